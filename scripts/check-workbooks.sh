#!/usr/bin/env bash
# Build every workbook of the samples (and forms of a quarter) and check them in LibreOffice:
# no text line over another, every sheet one page wide. Skipped (exit 0, with a message)
# when soffice is not installed.
#   scripts/check-workbooks.sh            # the samples
#   scripts/check-workbooks.sh a.xlsx …   # given workbooks
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null; then
    echo "bỏ qua: cần LibreOffice (soffice) và poppler-utils (pdftotext)"
    exit 0
fi
if [ $# -gt 0 ]; then
    exec python3 scripts/check-workbooks.py "$@"
fi
cargo build --release --locked --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
target/release/vanban build samples/ninh-giang-2022 -o "$out/build" -q
if target/release/vanban help form >/dev/null 2>&1; then
    target/release/vanban form samples/ninh-giang-2022/bao-cao -o "$out/forms" --period quy-2-2022 -q
fi
mapfile -t files < <(find "$out" -name '*.xlsx' | sort)
python3 scripts/check-workbooks.py "${files[@]}"
