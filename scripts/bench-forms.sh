#!/usr/bin/env bash
# Time `vanban summary` over N Excel forms (default 5000): writes a tong-hop.json of N units,
# their forms (`vanban form`), then reads them all back. Prints time and peak RSS of each step.
# Usage: scripts/bench-forms.sh [N]      (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin="$PWD/target/release/vanban"
n="${1:-5000}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" "$n" <<'PY'
import json, sys
d, n = sys.argv[1], int(sys.argv[2])
units = [f"UBND xã Số {i:05}" for i in range(n)]
ind = [{"key": k, "label": k, "unit": "lượt"} for k in ["van_ban","hoi_nghi","luot_nguoi","tin_bai","phat_thanh","cuoc_hop","to_roi","tthc_cong_khai","tthc_tong","khac"]]
ind.insert(9, {"key": "ty_le", "label": "Tỷ lệ", "ratio": ["tthc_cong_khai", "tthc_tong"]})
half = n // 2
json.dump({"issuer": {"name": "SỞ NỘI VỤ"}, "place": "Nghệ An", "form_id": "Biểu số 01",
           "title": "Biểu tổng hợp", "indicators": ind,
           "groups": [{"name": "Phường", "units": units[:half]}, {"name": "Xã", "units": units[half:]}]},
          open(f"{d}/tong-hop.json", "w"), ensure_ascii=False)
PY
mkdir -p "$dir/quy-1"
echo "vanban form, $n biểu (giây, KB tối đa):"
/usr/bin/time -f "%e s, %M KB" "$bin" form "$dir" -o "$dir/quy-1" --period quy-1-2026 -q
echo "vanban summary đọc $n biểu:"
/usr/bin/time -f "%e s, %M KB" "$bin" summary "$dir/quy-1" --period quy-1-2026 -o "$dir/tong-hop.xlsx" -q 2>&1 | tail -3 || true
