#!/usr/bin/env bash
# Per-core scaling: the HTTP hello server on a runtime::Pool of 1 and 2
# runtimes (one SO_REUSEPORT listener each), beside tokio's multi-thread
# runtime with 1 and 2 workers, at C=256 keep-alive connections.
#
#   bash bench/percore.sh           full run: 5 interleaved reps of 5 s each
#   bash bench/percore.sh --smoke   one short rep of each (checks it works)
#
# Reports, per server: requests/s, server CPU per request (utime + stime of
# the server process over the measured requests, read by `load --pid`), and
# the spread of connections and requests over runtimes (workers for tokio),
# printed by the server when SIGTERM stops it. Servers are not pinned: with
# 2 runtimes they and the one-thread load generator share the machine's
# cores, so compare CPU per request and spread first; req/s only under the
# same load on a quiet machine. Writes bench/results/percore.txt (raw) and
# bench/results/PERCORE.md; nothing goes into RESULTS.md.
set -euo pipefail

REPS=5; WARM=1; DUR=5
case "${1:-}" in
  --smoke) REPS=1; WARM=0.2; DUR=0.5 ;;
  "") ;;
  *) echo "usage: bash bench/percore.sh [--smoke]" >&2; exit 2 ;;
esac

BENCH=$(cd "$(dirname "$0")" && pwd)
cd "$BENCH"
OUT=$BENCH/results
mkdir -p "$OUT"
REL=$BENCH/target/release
RAW=$OUT/percore.txt
CONNS=256
: > "$RAW"

SPID=
cleanup() { [[ -n $SPID ]] && kill "$SPID" 2>/dev/null || true; }
trap cleanup EXIT

cargo build --release -q --bin http_pool --bin http_tokio_mt --bin load

run_one() { # BIN THREADS NAME REP
  local bin=$1 threads=$2 name=$3 rep=$4 addr="" i
  # Removed first, so the address read below is never the last server's.
  rm -f "$OUT/percore.server.out"
  BENCH_THREADS=$threads "$REL/$bin" 127.0.0.1:0 > "$OUT/percore.server.out" 2> "$OUT/percore.server.err" &
  SPID=$!
  for ((i = 0; i < 200; i++)); do
    addr=$(awk '/^listening on /{print $3}' "$OUT/percore.server.out" 2>/dev/null || true)
    [[ -n $addr ]] && break
    sleep 0.05
  done
  [[ -n $addr ]] || { echo "$name did not start:"; cat "$OUT/percore.server.err"; exit 1; }
  local result
  result=$("$REL/load" --addr "$addr" --mode http --conns "$CONNS" --warmup "$WARM" --duration "$DUR" \
    --pid "$SPID" --max-time 60 | grep '^result')
  kill -TERM "$SPID"
  wait "$SPID" || true
  SPID=
  local spread
  spread=$(grep '^spread ' "$OUT/percore.server.out" | sed 's/^spread conns=/by_conns=/; s/ reqs=/ by_reqs=/')
  echo "srv=$name rep=$rep $result $spread" | tee -a "$RAW"
}

for ((rep = 1; rep <= REPS; rep++)); do
  run_one http_pool 1 pool-1 "$rep"
  run_one http_tokio_mt 1 tokio_mt-1 "$rep"
  run_one http_pool 2 pool-2 "$rep"
  run_one http_tokio_mt 2 tokio_mt-2 "$rep"
done

# Medians per server (min-max when more than one rep).
{
  echo "# Per-core HTTP, C=$CONNS ($REPS rep(s) of ${DUR}s; $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs)"
  echo
  echo "| server | req/s | server CPU µs/req | connections by runtime (last rep) | requests by runtime (last rep) |"
  echo "|---|---|---|---|---|"
  for name in pool-1 pool-2 tokio_mt-1 tokio_mt-2; do
    awk -v n="$name" '
      $1 == "srv=" n {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        rps[++k] = v["rps"]; cpu[k] = v["srv_us_per_req"]; conns = v["by_conns"]; reqs = v["by_reqs"]
      }
      function med(a, m,   s, i, j, t) { for (i = 1; i <= m; i++) s[i] = a[i]
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (s[j] + 0 < s[i] + 0) { t = s[i]; s[i] = s[j]; s[j] = t }
        return m ? s[int((m + 1) / 2)] " (" s[1] "-" s[m] ")" : "-" }
      END { printf "| %s | %s | %s | %s | %s |\n", n, med(rps, k), med(cpu, k), conns, reqs }
    ' "$RAW"
  done
} > "$OUT/PERCORE.md"
cat "$OUT/PERCORE.md"
