#!/usr/bin/env bash
# Before and after, in instructions: user-space instructions per request of
# this runtime's echo (plain and with timeouts), HTTP and hyper servers (callgrind,
# C=64), and per operation of
# the timer microbenchmarks, at two commits of this repository built the same
# way. Callgrind counts are exact and repeatable, so one run of each is enough
# and the difference is the change's cost.
#
#   bash bench/cg-ab.sh BASE [REQUESTS]     BASE: a commit; the other side is the work tree
#
# Server on CPU 0, load on CPU 1 (taskset); loopback only; bounded in requests.
set -euo pipefail
BASE=${1:?usage: bash bench/cg-ab.sh BASE [REQUESTS]}
REQS=${2:-20000}
BENCH=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
OUT=$BENCH/results/cg-ab
BASE_TREE=$BENCH/target/cg-ab-base
mkdir -p "$OUT"
export CARGO_TERM_COLOR=never

command -v callgrind_control >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }

# The base side: a detached worktree of BASE with its own target dir.
rm -rf "$BASE_TREE"
git -C "$TOP" worktree prune
git -C "$TOP" worktree add --detach -q "$BASE_TREE" "$BASE"
trap 'git -C "$TOP" worktree remove --force "$BASE_TREE" 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true' EXIT
# The same bench programs, manifest and lock file on both sides, so only
# the runtime's crates (runtime/, net/, macros/) differ.
rm -rf "$BASE_TREE/bench"
mkdir -p "$BASE_TREE/bench"
cp -r "$BENCH/Cargo.toml" "$BENCH/Cargo.lock" "$BENCH/src" "$BASE_TREE/bench/"
BINS=(--bin echo_runtime --bin echo_timeout_runtime --bin http_runtime --bin hyper_runtime --bin micro)
(cd "$BASE_TREE/bench" && cargo build --release -q "${BINS[@]}" --target-dir "$BENCH/target/cg-ab-base-target")
(cd "$BENCH" && cargo build --release -q "${BINS[@]}" --bin echo_tokio --bin echo_timeout_tokio --bin http_tokio --bin hyper_tokio --bin load --bin report)
declare -A DIR=([base]=$BENCH/target/cg-ab-base-target/release [head]=$BENCH/target/release [tokio]=$BENCH/target/release)
LOAD=$BENCH/target/release/load
REPORT=$BENCH/target/release/report

server_ir() { # SIDE PROTO: instructions per request (SIDE tokio: the tokio twin)
  local side=$1 proto=$2 spid saddr i r n rt=runtime mode=$2
  [[ $side == tokio ]] && rt=tokio
  [[ $proto == hyper ]] && mode=http
  [[ $proto == echo_timeout ]] && mode=echo
  rm -f "$OUT"/cg.out*
  : > "$OUT/server.out" # so the previous server's address is not read as this one's
  taskset -c 0 valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.out" \
    "${DIR[$side]}/${proto}_$rt" 127.0.0.1:0 > "$OUT/server.out" 2> "$OUT/server.err" &
  spid=$!
  for ((i = 0; i < 1200; i++)); do
    saddr=$(awk 'NR==1 && /^listening on /{print $3}' "$OUT/server.out" 2>/dev/null) && [[ -n $saddr ]] && break
    sleep 0.05
  done
  [[ -n ${saddr:-} ]] || { echo "server did not start"; cat "$OUT/server.err"; exit 1; }
  r=$(taskset -c 1 "$LOAD" --addr "$saddr" --pid "$spid" --mode "$mode" --size 64 --conns 64 --warmup 1 \
        --requests "$REQS" --max-time 300 \
        --hook-before "callgrind_control -z $spid > /dev/null 2>&1" --hook-after "callgrind_control -d $spid > /dev/null 2>&1" |
      sed -n 's/^result //p')
  kill "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  n=$(sed -n 's/.*reqs=\([0-9]*\).*/\1/p' <<< "$r")
  "$REPORT" cg "$OUT/cg.out.1" "$n" 0 2> /dev/null | sed -n 's/.*ir_per_req=\([0-9.]*\).*/\1/p'
}

micro_ir() { # SIDE BENCH N: (Ir(2n) - Ir(n)) / n
  local side=$1 b=$2 n=$3 k ir=()
  for k in "$n" "$((2 * n))"; do
    rm -f "$OUT/cgm.out"
    valgrind --tool=callgrind --callgrind-out-file="$OUT/cgm.out" "${DIR[$side]}/micro" runtime "$b" "$k" > /dev/null 2>&1
    ir+=("$(awk '/^totals:/{print $2}' "$OUT/cgm.out")")
  done
  awk -v a="${ir[0]}" -v b="${ir[1]}" -v n="$n" 'BEGIN{printf "%.1f", (b-a)/n}'
}

echo "| figure (user-space instructions) | base $(git -C "$TOP" rev-parse --short "$BASE") | head $(git -C "$TOP" rev-parse --short HEAD)$([[ -n $(git -C "$TOP" status --porcelain) ]] && echo '+changes') | head/base | tokio | head/tokio |"
echo "|---|---:|---:|---:|---:|---:|"
row() { awk -v l="$1" -v a="$2" -v b="$3" -v t="${4:-}" 'BEGIN{printf "| %s | %s | %s | %.3f | %s | %s |\n", l, a, b, b/a, t, (t == "" ? "" : sprintf("%.3f", b/t))}'; }
for proto in echo echo_timeout http hyper; do
  a=$(server_ir base "$proto"); b=$(server_ir head "$proto"); t=$(server_ir tokio "$proto")
  row "$proto, C=64, per request" "$a" "$b" "$t"
done
for spec in sleep:20000 timeout:100000 spawn:100000 yield:100000; do
  a=$(micro_ir base "${spec%%:*}" "${spec##*:}"); b=$(micro_ir head "${spec%%:*}" "${spec##*:}")
  row "micro ${spec%%:*}, per op" "$a" "$b"
done
