#!/bin/sh
# The `runtime` crate's LLVM IR by function, as the echo builds it, and which
# of those functions the echo's link drops (compiled for nothing): the
# crate's `--emit=llvm-ir` matched by symbol against the `.text.*` sections
# `ld --print-gc-sections` removes from the crate's rlib.
# CRATE (default `runtime`) may be `net` too.
# usage: bench/build-cost/ir-dead.sh [TARGET_DIR=/tmp/bc-dead] [ROWS=40] [CRATE=runtime]
set -e
dir=$(cd "$(dirname "$0")/runtime" && pwd)
target=${1:-/tmp/bc-dead}
rows=${2:-40}
crate=${3:-runtime}
rm -f "$target"/release/deps/$crate-*.ll
touch "$dir/../../../$crate/src/lib.rs" # re-emit even if nothing changed
touch "$dir/src/main.rs"
cd "$dir"
CARGO_TARGET_DIR=$target cargo rustc --release --offline -q -p $crate -- --emit=llvm-ir,link
CARGO_TARGET_DIR=$target cargo rustc --release --offline -q --bin echo-runtime -- \
  -C link-arg=-Wl,--print-gc-sections -W linker-messages 2> "$target/gc.txt"
python3 - "$target" "$rows" "$crate" <<'PY'
import glob, re, subprocess, sys
target, rows, crate = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines, cur = {}, None
for line in open(glob.glob(target + f"/release/deps/{crate}-*.ll")[0], errors="replace"):
    if line.startswith("define "):
        cur, n = re.search(r'@("?)([^\s("]+)\1\(', line).group(2), 0
    elif cur is not None:
        n += 1
        if line.startswith("}"):
            lines[cur], cur = n, None
dropped = set(re.findall(rf"lib{crate}-[^(]*\({crate}-[^)]*\):\(\.text\.([^)]*?)(?:\.llvm\.\d+)?\)", open(target + "/gc.txt").read()))
dead = sorted(((lines[s], s) for s in dropped if s in lines), reverse=True)
print(f"{crate}: {sum(lines.values())} IR lines in {len(lines)} functions; {sum(n for n, _ in dead)} in functions the echo drops")
names = subprocess.run(["c++filt"], input="\n".join(s for _, s in dead), capture_output=True, text=True).stdout.split("\n")
for (n, _), name in list(zip(dead, names))[:rows]:
    print(f"{n:6d} {re.sub(r'::h[0-9a-f]{16}$', '', name)}")
PY
