#!/usr/bin/env python3
"""Where two builds of the echo differ in bytes, symbol by symbol.

usage: symdiff.py NEW_BINARY OLD_BINARY   (unstripped, e.g. target/release/echo-runtime)

Reads `nm -S -C --defined-only` of both, drops the hash suffixes, and prints
`new-old new old name` for every symbol whose size changed, largest growth
first. Sum the first column (awk) for the total; grep it by module path to
group (e.g. `runtime::blocking|std::thread`).
"""
import collections
import re
import subprocess
import sys


def sizes(path):
    out = subprocess.run(["nm", "-S", "-C", "--defined-only", path], capture_output=True, text=True, check=True)
    total = collections.Counter()
    for line in out.stdout.splitlines():
        parts = line.split(None, 3)
        if len(parts) < 4:
            continue
        name = re.sub(r"::h[0-9a-f]{16}$", "", parts[3])
        name = re.sub(r"^anon\.[0-9a-f]+\.\d+\.llvm\.\d+$", "anon", name)
        name = re.sub(r"\.llvm\.\d+$", "", name)
        total[name] += int(parts[1], 16)
    return total


new, old = sizes(sys.argv[1]), sizes(sys.argv[2])
rows = sorted(((new[k] - old[k], new[k], old[k], k) for k in new.keys() | old.keys() if new[k] != old[k]), reverse=True)
for row in rows:
    print(f"{row[0]:7d} {row[1]:6d} {row[2]:6d} {row[3]}")
