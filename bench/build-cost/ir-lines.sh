#!/bin/sh
# LLVM IR lines of the `runtime` and `net` crates as the echo builds them
# (release, the features bench/build-cost/runtime asks for): a proxy for
# their compile time that a shared machine does not blur.
# usage: bench/build-cost/ir-lines.sh [TARGET_DIR=/tmp/bc-ir]
set -e
dir=$(cd "$(dirname "$0")/runtime" && pwd)
target=${1:-/tmp/bc-ir}
for crate in runtime net; do
  rm -f "$target"/release/deps/$crate-*.ll
  touch "$dir/../../../$crate/src/lib.rs" # re-emit even if nothing changed
  (cd "$dir" && CARGO_TARGET_DIR=$target cargo rustc --release --offline -q -p $crate -- --emit=llvm-ir)
  echo "$crate $(cat "$target"/release/deps/$crate-*.ll | wc -l) IR lines"
done
