#!/usr/bin/env bash
# The io_uring driver (completion reads for TCP streams, its default:
# runtime-uring-cq; readiness mode with RUNTIME_URING_COMPLETION=0: runtime-uring; the same binary with
# single-shot recvs and no DEFER_TASKRUN, as before 2026-12-07's s29: runtime-uring-cq1; multishot recvs
# without DEFER_TASKRUN: runtime-uring-cqm; completion mode without registered files, as before 2026-12-07's
# s30: runtime-uring-cqnf)
# against the epoll driver, tokio and the hand-written epoll loop, in one run:
# 64 B echo and HTTP/1.1 keep-alive (APPS, default "echo http"), closed loop,
# C=64 (and C=1, C=1000). Per server: req/s and server CPU µs/request over REPS interleaved
# runs (medians, min-max); system calls per request (strace -f -c over 20,000
# requests); user-space instructions per request (callgrind, 20,000 requests).
# Server on CPU 0, load on CPU 1 (taskset). Loopback only; every process it
# starts is ended on exit.
#
#   bash bench/uring.sh [REPS]     # default 7; writes bench/results/uring.txt
#   SERVERS="..." APPS="echo http" CONNS="1 64 1000" NO_CG=1 bash bench/uring.sh 7   # a subset
# At the end: paired ratios (same app, C and repetition) of each server's CPU per request to runtime-epoll's.
# Calibration (echo only): URING_ECHO_REF=PATH adds the server `ref-uring-echo`, the scratch experiment's
# completion-mode echo (../shared/experiments/uring-echo, built from a copy: cargo build --release), so a run
# shows whether today's machine gives the reference its measured 5-6% over the epoll loop; `ref-uring-echo-single`
# and `ref-uring-echo-fixed` run it with `--single` and `--fixed`.
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
    runtime-uring-cq1) bin=$UR/${app}_runtime
      env=(RUNTIME_DRIVER=uring RUNTIME_URING_RECV_MULTISHOT=0 RUNTIME_URING_DEFER_TASKRUN=0) ;;
    runtime-uring-cqm) bin=$UR/${app}_runtime; env=(RUNTIME_DRIVER=uring RUNTIME_URING_DEFER_TASKRUN=0) ;;
    runtime-uring-cqnf) bin=$UR/${app}_runtime; env=(RUNTIME_DRIVER=uring RUNTIME_URING_FIXED_FILES=0) ;;
    tokio) bin=$REL/${app}_tokio ;;
    ref-uring-echo) start_ref; return ;;
    ref-uring-echo-single) start_ref --single; return ;;
    ref-uring-echo-fixed) start_ref --fixed; return ;;
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
start_ref() { # start_ref [FLAGS]: the reference prints no address: give it a free port, wait until it listens
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  taskset -c 0 "${URING_ECHO_REF:?URING_ECHO_REF names the reference uring-echo binary}" "127.0.0.1:$port" "$@" \
    > "$OUT/userver.out" 2> "$OUT/userver.err" &
  SPID=$!; PIDS+=("$SPID"); SADDR=127.0.0.1:$port
  for _ in $(seq 1200); do
    ss -ltnH "sport = :$port" | grep -q . && return 0
    sleep 0.05
  done
  echo "server ref-uring-echo did not start"; cat "$OUT/userver.err"; exit 1
}
stop() { # SIGTERM; then SIGKILL after 5 s (valgrind does not end a server blocked in io_uring_enter on SIGTERM;
  # its dump is written by then)
  kill "$SPID" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true
}
load() { taskset -c 1 "$REL/load" --addr "$SADDR" --pid "$SPID" "$@" | sed -n 's/^result //p'; }
SERVERS=${SERVERS:-"epoll-loop runtime-epoll runtime-uring runtime-uring-cq1 runtime-uring-cq tokio"}
APPS=${APPS:-"echo http"}
CONNS=${CONNS:-"1 64 1000"}
paired() { # paired BASE: median (min-max) over repetitions of each server's CPU per request / BASE's
  awk -v base="$1" '$1=="sec=load" { for (i=2;i<=NF;i++) { split($i,kv,"="); f[kv[1]]=kv[2] }
         k=f["app"] " C=" f["C"]; v[k, f["srv"], f["rep"]]=f["srv_us_per_req"]; keys[k]=1; srvs[f["srv"]]=1; reps[f["rep"]]=1 }
       END { for (k in keys) for (s in srvs) { n=0
               for (r in reps) if ((k, s, r) in v && (k, base, r) in v) x[++n]=v[k, s, r]/v[k, base, r]
               if (n==0 || s==base) continue
               for (i=1;i<=n;i++) { y[i]=x[i]; for (j=i;j>1 && y[j-1]>y[j];j--) { t=y[j]; y[j]=y[j-1]; y[j-1]=t } }
               m=(n%2)?y[(n+1)/2]:(y[n/2]+y[n/2+1])/2
               printf "paired app=%s srv=%s n=%d cpu_ratio_to_%s=%.3f (%.3f-%.3f)\n", k, s, n, base, m, y[1], y[n]; delete x; delete y } }' "$RAW" | sort
}

echo "== closed loop, 64 B echo and HTTP: $REPS interleaved runs"
for rep in $(seq "$REPS"); do
  for app in $APPS; do
  for conns in $CONNS; do
    for srv in $SERVERS; do
      start "$srv" "$app"
      r=$(load --mode "$app" --size 64 --conns "$conns" --warmup 0.5 --duration 2)
      stop
      echo "sec=load app=$app C=$conns srv=$srv rep=$rep $r" | tee -a "$RAW"
    done
  done
  done
done

paired runtime-epoll | tee -a "$RAW"
[[ " $SERVERS " == *" epoll-loop "* ]] && paired epoll-loop | tee -a "$RAW"

echo "== syscalls per request (strace -f -c, 20,000 requests after warm-up)"
for app in $APPS; do
for conns in $CONNS; do
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
