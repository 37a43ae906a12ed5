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
    python3 - "$dir" "$n" <<'PY'
import json, sys
d, n = sys.argv[1], int(sys.argv[2])
units = [f"UBND xã Số {i:05}" for i in range(n)]
ind = [{"key": k, "label": k} for k in ["van_ban","hoi_nghi","luot_nguoi","tin_bai","phat_thanh","cuoc_hop","to_roi","tthc_cong_khai","tthc_tong","khac"]]
ind.insert(9, {"key": "ty_le", "label": "Tỷ lệ", "ratio": ["tthc_cong_khai", "tthc_tong"]})
half = n // 2
json.dump({"issuer": {"name": "SỞ NỘI VỤ"}, "place": "Nghệ An", "form_id": "Biểu số 01",
           "title": "Biểu tổng hợp", "indicators": ind,
           "groups": [{"name": "Phường", "units": units[:half]}, {"name": "Xã", "units": units[half:]}]},
          open(f"{d}/tong-hop.json", "w"), ensure_ascii=False)
for i, u in enumerate(units):
    figs = {k["key"]: (i * 7 + j) % 50 for j, k in enumerate(ind) if "ratio" not in k}
    figs["tthc_tong"] = 120; figs["tthc_cong_khai"] = 100 + i % 20
    json.dump({"unit": u, "period": {"kind": "quy", "number": 1, "year": 2026}, "figures": figs,
               "tasks": {}}, open(f"{d}/quy-1/{i:05}.json", "w"), ensure_ascii=False)
PY
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
