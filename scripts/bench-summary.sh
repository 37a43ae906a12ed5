#!/usr/bin/env bash
# Time `vanban summary` over N generated unit reports (default: 50 500 5000).
# Prints wall time (median of 5 runs with hyperfine when available) and peak RSS.
# Usage: scripts/bench-summary.sh [N ...]      (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin="$PWD/target/release/vanban"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in "${@:-50 500 5000}"; do
  for n in $n; do
    dir="$work/$n"
    mkdir -p "$dir/quy-1"
    python3 scripts/gen-period.py "$dir" "$n"
    cmd="$bin summary $dir/quy-1 -o $dir/tong-hop.xlsx -q"
    if command -v hyperfine >/dev/null; then
      hyperfine -N --warmup 1 --runs 5 --export-json "$dir/hf.json" "$cmd" >/dev/null 2>&1
      t=$(python3 -c "import json;print(round(json.load(open('$dir/hf.json'))['results'][0]['median']*1000,1))")
    else
      t=$( { /usr/bin/time -f %e $cmd; } 2>&1 | tail -1 )
    fi
    rss=$( { /usr/bin/time -f %M $cmd; } 2>&1 | tail -1 )
    size=$(stat -c %s "$dir/tong-hop.xlsx")
    echo "$n reports: ${t} ms (median), peak RSS $((rss / 1024)) MB, workbook $((size / 1024)) KB"
  done
done
