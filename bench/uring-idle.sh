#!/usr/bin/env bash
# Memory per idle connection, the io_uring driver against the epoll driver (issue 23: "memory per idle
# connection stays at or below the epoll driver's"). The echo server (bench/src/bin/echo_runtime.rs) on
# CPU 0; `load --mode idle` on CPU 1 opens IDLE connections, each after one 64 B echo, and leaves them
# open. Before and after: the server's VmRSS (user space) and the kernel's slab caches that a
# registration costs: `eventpoll_epi` (epoll's item per fd), `io_kiocb` (io_uring's request: the
# multishot poll, and the multishot recv in completion mode) and the whole of `kmalloc-*` (epoll's
# `eppoll_entry`, io_uring's `async_poll`), read from /proc/slabinfo (system-wide: run it on a quiet
# machine). The sockets themselves (`TCP`, `sock_inode_cache`, files) are the same on every driver and
# are left out. REPS alternating runs; medians.
#
#   IDLE=10000 bash bench/uring-idle.sh [REPS]     # default 3; writes bench/results/uring-idle.txt
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
cd "$BENCH"
REPS=${1:-3}
IDLE=${IDLE:-10000}
OUT=$BENCH/results; mkdir -p "$OUT"
RAW=$OUT/uring-idle.txt; : > "$RAW"
REL=$BENCH/target/release
UR=$BENCH/target/uring/release
export CARGO_TERM_COLOR=never
cargo build --release -q --bin echo_runtime --bin load
cargo build --release -q --features io-uring --bin echo_runtime --target-dir "$BENCH/target/uring"
[[ -r /proc/slabinfo ]] || { echo "/proc/slabinfo is not readable (needs root)"; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
if [[ $NOFILE != unlimited ]] && ((NOFILE < 2 * IDLE + 500)); then IDLE=$(((NOFILE - 500) / 2)); fi

SPID=""
trap '[[ -n $SPID ]] && kill "$SPID" 2>/dev/null || true' EXIT
# snapshot FILE: the server's VmRSS (KiB), then bytes in eventpoll_epi, io_kiocb and all kmalloc-* caches.
cat > "$OUT/uring-idle-snap.sh" <<'EOF'
#!/bin/sh
awk '/^VmRSS:/{print $2}' "/proc/$1/status" > "$2"
awk '$1=="eventpoll_epi"{e+=$2*$4} $1=="io_kiocb"{k+=$2*$4} $1 ~ /^kmalloc-/{m+=$2*$4}
     END{print e+0; print k+0; print m+0}' /proc/slabinfo >> "$2"
EOF
chmod +x "$OUT/uring-idle-snap.sh"
for rep in $(seq "$REPS"); do
  for srv in runtime-epoll runtime-uring runtime-uring-cq; do
    case $srv in
      runtime-epoll) bin=$REL/echo_runtime; env=(RUNTIME_DRIVER=epoll) ;;
      runtime-uring) bin=$UR/echo_runtime; env=(RUNTIME_DRIVER=uring RUNTIME_URING_COMPLETION=0) ;;
      runtime-uring-cq) bin=$UR/echo_runtime; env=(RUNTIME_DRIVER=uring) ;;
    esac
    rm -f "$OUT/uidle.out"
    env "${env[@]}" taskset -c 0 "$bin" 127.0.0.1:0 > "$OUT/uidle.out" 2> "$OUT/uidle.err" &
    SPID=$!
    addr=""
    for _ in $(seq 600); do
      addr=$(awk 'NR==1 && /^listening on /{print $3}' "$OUT/uidle.out" 2>/dev/null) && [[ -n $addr ]] && break
      sleep 0.05
    done
    [[ -n $addr ]] || { echo "server $srv did not start"; cat "$OUT/uidle.err"; exit 1; }
    taskset -c 1 "$REL/load" --addr "$addr" --pid "$SPID" --mode idle --size 64 --conns "$IDLE" --max-time 120 \
      --hook-before "$OUT/uring-idle-snap.sh $SPID $OUT/uidle0" \
      --hook-after "$OUT/uring-idle-snap.sh $SPID $OUT/uidle1" > /dev/null
    kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; SPID=""
    paste "$OUT/uidle0" "$OUT/uidle1" | awk -v s="$srv" -v r="$rep" -v n="$IDLE" '
      NR==1{rss=($2-$1)*1024} NR==2{epi=$2-$1} NR==3{kio=$2-$1} NR==4{km=$2-$1}
      END{printf "srv=%s rep=%d conns=%d rss_b=%.0f epi_b=%.0f kiocb_b=%.0f kmalloc_b=%.0f total_b=%.0f\n",
          s, r, n, rss/n, epi/n, kio/n, km/n, (rss+epi+kio+km)/n}' | tee -a "$RAW"
  done
done
echo "== medians, bytes per idle connection (user RSS; kernel: eventpoll_epi, io_kiocb, kmalloc-*; total)"
awk '{ for (i=1;i<=NF;i++) { split($i,kv,"="); f[kv[1]]=kv[2] }
       s=f["srv"]; n[s]++; srvs[s]=1
       for (c in f) if (c ~ /_b$/) v[s, c, n[s]]=f[c] }
     END { split("rss_b epi_b kiocb_b kmalloc_b total_b", cols, " ")
           for (s in srvs) { line=s
             for (ci=1; ci<=5; ci++) { c=cols[ci]; m=n[s]
               for (i=1;i<=m;i++) { y[i]=v[s,c,i]; for (j=i;j>1 && y[j-1]>y[j];j--) { t=y[j]; y[j]=y[j-1]; y[j-1]=t } }
               med=(m%2)?y[(m+1)/2]:(y[m/2]+y[m/2+1])/2
               line=line sprintf(" %s=%.0f", c, med) }
             print line } }' "$RAW" | sort
