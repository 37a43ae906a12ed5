#!/usr/bin/env bash
# Time `vanban summary` over N filled Excel forms (default 5000): writes a tong-hop.json of N
# units (with a deadline), their forms (`vanban form`), fills every form as a unit would (a
# figure in every input cell, a status for every task, the submission day; the
# `fill_forms` example, editing each workbook in place), then reads them all back into the
# summary workbook. Prints wall time and peak RSS of each step (`/usr/bin/time -v`).
# Usage: scripts/bench-forms.sh [N]      (builds the release binary and the example first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q --bin vanban --example fill_forms
bin="$PWD/target/release/vanban"
fill="$PWD/target/release/examples/fill_forms"
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
           "title": "Biểu tổng hợp", "indicators": ind, "han_nop": {"quy-1-2026": "2026-04-05"},
           "groups": [{"name": "Phường", "units": units[:half]}, {"name": "Xã", "units": units[half:]}]},
          open(f"{d}/tong-hop.json", "w"), ensure_ascii=False)
PY
mkdir -p "$dir/quy-1"
measure() {
  local what="$1"; shift
  /usr/bin/time -v "$@" 2>"$dir/time.txt" >/dev/null || true
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$dir/time.txt" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$dir/time.txt" | awk '{print $NF}')
  echo "$what: $wall (m:ss), peak RSS $((rss / 1024)) MB"
}
measure "vanban form, $n biểu" "$bin" form "$dir" -o "$dir/quy-1" --period quy-1-2026 -q
# The same with glibc's mmap threshold fixed (it otherwise rises after each large buffer is
# freed, and the buffers of later workbooks stay in the heap): where the peak above comes from.
measure "vanban form, $n biểu, MALLOC_MMAP_THRESHOLD_=131072" \
  env MALLOC_MMAP_THRESHOLD_=131072 "$bin" form "$dir" -o "$dir/quy-1" --period quy-1-2026 -q
measure "điền $n biểu (fill_forms)" "$fill" "$dir/quy-1" 2026-04-01
measure "vanban summary đọc $n biểu đã điền" "$bin" summary "$dir/quy-1" --period quy-1-2026 -o "$dir/tong-hop.xlsx" -q
"$bin" summary "$dir/quy-1" --period quy-1-2026 -o "$dir/tong-hop.xlsx" 2>&1 | grep -E "tình trạng nộp|đã ghi" | cut -c1-160
