#!/usr/bin/env bash
# No source file over 400 lines (issue 20): a file that grows past it is
# split by what it owns. Tests ported from tokio keep tokio's files whole,
# so `tests/` is not checked.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
LIMIT=400
over=$(find runtime/src net/src macros/src bench/src examples -name '*.rs' -print0 |
  xargs -0 wc -l | awk -v max=$LIMIT '$2 != "total" && $1 > max { print "  " $2 ": " $1 " lines" }')
if [ -n "$over" ]; then
  echo "source files over $LIMIT lines (split them by what they own):"
  echo "$over"
  exit 1
fi
echo "no source file over $LIMIT lines"
