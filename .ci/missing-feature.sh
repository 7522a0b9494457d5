#!/usr/bin/env bash
# A missing feature names itself: an app that uses an item of a feature it
# did not enable gets a compile error that says which feature gates it
# (issue 20). Each case is a tiny crate with `default-features = false`,
# checked in a target dir of its own; it must fail, naming the feature.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export CARGO_TARGET_DIR=$TOP/target/missing-feature

# crate feature code
cases=(
  "runtime time let _s = runtime::time::sleep(std::time::Duration::ZERO);"
  "runtime sync let _m = runtime::sync::Mutex::new(1);"
  "runtime stream let _m = runtime::stream::StreamMap::<u8, ()>::new();"
  "runtime signal let _s = runtime::signal::ctrl_c();"
  "runtime fs let _f = runtime::fs::read(\"x\");"
  "runtime process let _c = runtime::process::Command::new(\"true\");"
  "runtime macros runtime::join!(async {});"
  "runtime futures-io let _c = runtime::io::copy_bidirectional::<&[u8], &[u8]>;"
  "net tcp let _s = net::TcpListener::bind(\"127.0.0.1:0\");"
  "net udp let _s = net::UdpSocket::bind(\"127.0.0.1:0\");"
  "net unix let _s = net::UnixListener::bind(\"/tmp/x\");"
)
for case in "${cases[@]}"; do
  read -r crate feature code <<<"$case"
  dir=$WORK/$crate-$feature
  mkdir -p "$dir/src"
  printf '[package]\nname = "missing-%s"\nversion = "0.0.0"\nedition = "2021"\n[workspace]\n[dependencies]\n%s = { path = "%s/%s", default-features = false }\n' \
    "$feature" "$crate" "$TOP" "$crate" > "$dir/Cargo.toml"
  printf 'fn main() {\n    %s\n}\n' "$code" > "$dir/src/main.rs"
  cp "$TOP/Cargo.lock" "$dir/Cargo.lock"
  if out=$(cd "$dir" && cargo check --offline -q 2>&1); then
    echo "!! $crate without \`$feature\` compiled: $code"; exit 1
  fi
  if ! grep -q "gated behind the \`$feature\` feature" <<<"$out"; then
    echo "!! $crate without \`$feature\`: the error does not name the feature:"; echo "$out"; exit 1
  fi
  echo "ok: $crate without \`$feature\` names it"
done
