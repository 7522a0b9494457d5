#!/usr/bin/env bash
# The io_uring driver (completion reads for TCP streams, its default:
# runtime-uring-cq; readiness mode with RUNTIME_URING_COMPLETION=0: runtime-uring)
# against the epoll driver, tokio and the hand-written epoll loop, in one run:
# 64 B echo and HTTP/1.1 keep-alive (APPS, default "echo http"), closed loop,
# C=64 (and C=1, C=1000). Per server: req/s and server CPU µs/request over REPS interleaved
# runs (medians, min-max); system calls per request (strace -f -c over 20,000
# requests); user-space instructions per request (callgrind, 20,000 requests).
# Server on CPU 0, load on CPU 1 (taskset). Loopback only; every process it
# starts is ended on exit.
#
#   bash bench/uring.sh [REPS]     # default 7; writes bench/results/uring.txt
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
cd "$BENCH"
REPS=${1:-7}
OUT=$BENCH/results; mkdir -p "$OUT"
REL=$BENCH/target/release
UR=$BENCH/target/uring/release
RAW=$OUT/uring.txt; : > "$RAW"
export CARGO_TERM_COLOR=never
cargo build --release -q --bin echo_runtime --bin echo_tokio --bin echo_epoll --bin http_runtime --bin http_tokio \
  --bin http_epoll --bin load --bin report
cargo build --release -q --features io-uring --bin echo_runtime --bin http_runtime --target-dir "$BENCH/target/uring"

PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
SPID=""; SADDR=""
start() { # start NAME [APP]: the server NAME of APP (echo, http) on CPU 0
  local bin env=() app=${2:-echo}
  case $1 in
    epoll-loop) bin=$REL/${app}_epoll ;;
    runtime-epoll) bin=$REL/${app}_runtime; env=(RUNTIME_DRIVER=epoll) ;;
    runtime-uring) bin=$UR/${app}_runtime; env=(RUNTIME_DRIVER=uring RUNTIME_URING_COMPLETION=0) ;;
    runtime-uring-cq) bin=$UR/${app}_runtime; env=(RUNTIME_DRIVER=uring) ;;
    tokio) bin=$REL/${app}_tokio ;;
  esac
  rm -f "$OUT/userver.out" # else the wait below may read the last server's address
  env "${env[@]}" taskset -c 0 ${CG:+valgrind --tool=callgrind --callgrind-out-file=$OUT/ucg.out} "$bin" 127.0.0.1:0 \
    > "$OUT/userver.out" 2> "$OUT/userver.err" &
  SPID=$!; PIDS+=("$SPID")
  for _ in $(seq 1200); do
    SADDR=$(awk 'NR==1 && /^listening on /{print $3}' "$OUT/userver.out" 2>/dev/null) && [[ -n $SADDR ]] && return 0
    sleep 0.05
  done
  echo "server $1 did not start"; cat "$OUT/userver.err"; exit 1
}
stop() { kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; }
load() { taskset -c 1 "$REL/load" --addr "$SADDR" --pid "$SPID" "$@" | sed -n 's/^result //p'; }
SERVERS=${SERVERS:-"epoll-loop runtime-epoll runtime-uring runtime-uring-cq tokio"}
APPS=${APPS:-"echo http"}

echo "== closed loop, 64 B echo and HTTP: $REPS interleaved runs"
for rep in $(seq "$REPS"); do
  for app in $APPS; do
  for conns in 1 64 1000; do
    for srv in $SERVERS; do
      start "$srv" "$app"
      r=$(load --mode "$app" --size 64 --conns "$conns" --warmup 0.5 --duration 2)
      stop
      echo "sec=load app=$app C=$conns srv=$srv rep=$rep $r" | tee -a "$RAW"
    done
  done
  done
done

echo "== syscalls per request (strace -f -c, 20,000 requests after warm-up)"
for app in $APPS; do
for conns in 1 64 1000; do
  for srv in $SERVERS; do
    start "$srv" "$app"
    r=$(load --mode "$app" --size 64 --conns "$conns" --warmup 0.5 --requests 20000 --max-time 60 \
          --hook-before "strace -f -c -o $OUT/ustrace.txt -p $SPID < /dev/null > /dev/null 2> $OUT/ustrace.err & echo \$! > $OUT/ustrace.pid; for i in \$(seq 100); do grep -q attached $OUT/ustrace.err 2>/dev/null && break; sleep 0.05; done; sleep 0.2" \
          --hook-after "kill -INT \$(cat $OUT/ustrace.pid); while kill -0 \$(cat $OUT/ustrace.pid) 2>/dev/null; do sleep 0.05; done")
    stop
    n=$(sed -n 's/.*reqs=\([0-9]*\).*/\1/p' <<< "$r")
    calls=$(awk '$NF=="total" {print $4}' "$OUT/ustrace.txt")
    byname=$(awk -v n="$n" '!/^%|^-|total/ && $1+0==$1 { name=(NF>=6)?$6:$5; printf "%s=%.3f ", name, $4/n }' "$OUT/ustrace.txt")
    echo "sec=strace app=$app C=$conns srv=$srv reqs=$n calls=$calls per_req=$(awk -v c="$calls" -v n="$n" 'BEGIN{printf "%.3f", c/n}') $byname" | tee -a "$RAW"
  done
done
done
[[ -n ${NO_CG:-} ]] && exit 0

echo "== user-space instructions per request (callgrind, 20,000 requests after warm-up)"
for srv in $SERVERS; do
  rm -f "$OUT"/ucg.out*
  CG=1 start "$srv"
  r=$(load --mode echo --size 64 --conns 64 --warmup 1 --requests 20000 --max-time 300 \
        --hook-before "callgrind_control -z $SPID > /dev/null" --hook-after "callgrind_control -d $SPID > /dev/null")
  stop
  n=$(sed -n 's/.*reqs=\([0-9]*\).*/\1/p' <<< "$r")
  s=$("$REL/report" cg "$OUT/ucg.out.1" "$n" 5 2> /dev/null)
  echo "sec=cg C=64 srv=$srv reqs=$n $s" | tee -a "$RAW"
done
