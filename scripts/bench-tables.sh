#!/usr/bin/env bash
# Time and peak memory (whole process, `/usr/bin/time`) of the large tables: a plan whose
# annex has N rows of 3 columns, a body table (`| a | b | c |` lines) of N rows, and
# `vanban report` over 5,000 generated unit reports (a figures annex of 5,000 rows of 13
# columns).
# Usage: scripts/bench-tables.sh [annex|body|report ...]   (builds the release binary first)
# Extra vanban options (for example `--templates DIR`) can be given in VANBAN_ARGS.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${VANBAN_NO_BUILD:-}" ] || cargo build --release -q
bin="$PWD/target/release/vanban"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2086
measure() {
  local what=$1; shift
  local out
  out=$( { /usr/bin/time -f '%e %M' "$@" ${VANBAN_ARGS:-} -q >/dev/null; } 2>&1 | tail -1)
  set -- $out
  echo "$what: $1 s, peak RSS $(($2 / 1024)) MB"
}

doc() { # doc FILE ANNEX_ROWS BODY_ROWS
  python3 - "$@" <<'PY'
import json, sys
path, annex, body = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d = {"type": "ke_hoach",
     "issuer": {"name": "ỦY BAN NHÂN DÂN\nXÃ KIM LIÊN", "abbreviation": "UBND",
                "full_name": "Ủy ban nhân dân xã Kim Liên"},
     "place": "Kim Liên", "date": "2025-09-05", "so": 7, "trich_yeu": "Thử nghiệm",
     "body": "I. MỤC ĐÍCH\nNội dung.", "noi_nhan": ["UBND tỉnh"],
     "signer": {"authority": "TM", "on_behalf_of": "Ủy ban nhân dân", "title": "Chủ tịch",
                "name": "Nguyễn Văn A"}}
if body:
    d["body"] += "\n| STT | Nội dung | Kết quả |\n" + "".join(
        f"| {i + 1} | Nhiệm vụ số {i + 1} của năm | Hoàn thành |\n" for i in range(body))
if annex:
    d["annexes"] = [{"id": "lon", "title": "Bảng lớn", "columns": [
        {"key": "stt", "label": "STT", "width": 1, "align": "center"},
        {"key": "noi_dung", "label": "Nội dung", "width": 6},
        {"key": "ket_qua", "label": "Kết quả", "width": 3}],
        "rows": [{"noi_dung": f"Nhiệm vụ số {i + 1} của năm", "ket_qua": "Hoàn thành"}
                 for i in range(annex)]}]
json.dump(d, open(path, "w"), ensure_ascii=False)
PY
}

for what in "${@:-annex body report}"; do
  for what in $what; do
    case $what in
      annex)
        for n in 1000 4000 10000; do
          doc "$work/annex-$n.json" "$n" 0
          measure "annex, $n rows" "$bin" render "$work/annex-$n.json" -o "$work/out"
        done ;;
      body)
        for n in 3000 20000; do
          doc "$work/body-$n.json" 0 "$n"
          measure "body table, $n rows" "$bin" render "$work/body-$n.json" -o "$work/out"
        done ;;
      report)
        dir="$work/report"
        mkdir -p "$dir/quy-1"
        python3 scripts/gen-period.py "$dir" 5000
        measure "report over 5,000 units" "$bin" report "$dir/quy-1" -o "$dir/out" ;;
      *) echo "unknown: $what (annex, body or report)" >&2; exit 2 ;;
    esac
  done
done
