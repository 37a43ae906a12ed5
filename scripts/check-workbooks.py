#!/usr/bin/env python3
"""Check workbooks the way a clerk sees them in LibreOffice Calc.

Each .xlsx is converted to PDF by LibreOffice (soffice --headless --convert-to pdf), then
pdftotext -bbox-layout gives every text line with its box. Two checks:

* no word of text overlaps another (wrapped text drawn over the rows below it);
* every sheet prints one page wide: each page carries the first column's header (every
  table repeats its header rows on each page, so a page cut off on the right lacks it).

Usage: check-workbooks.py FILE.xlsx... ; exit 0 when all pass, 1 on a failure, 77 when
soffice or pdftotext is missing (the check is skipped, with a message).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

FIRST_HEADERS = {"STT", "Nhóm"}


def lines_of(pdf):
    out = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.split(r"<page ", out)[1:]:
        lines = []
        for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', page, re.S):
            text = " ".join(re.findall(r">([^<]*)</word>", m.group(5)))
            for w in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', m.group(5)):
                box = tuple(float(w.group(k)) for k in range(1, 5))
                lines.append(box + (w.group(5), text))
        pages.append(lines)
    return pages


def check(xlsx, outdir):
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", outdir, xlsx],
        capture_output=True,
        check=True,
        env={**os.environ, "HOME": outdir},
    )
    pdf = os.path.join(outdir, os.path.splitext(os.path.basename(xlsx))[0] + ".pdf")
    problems = []
    pages = lines_of(pdf)
    for n, lines in enumerate(pages, 1):
        for i, a in enumerate(lines):
            for b in lines[i + 1:]:
                dx = min(a[2], b[2]) - max(a[0], b[0])
                dy = min(a[3], b[3]) - max(a[1], b[1])
                h = min(a[3] - a[1], b[3] - b[1])
                if dx > 0.5 and dy > 0.3 * h:
                    problems.append(f"trang {n}: chữ \"{a[4]}\" (dòng \"{a[5]}\") đè lên \"{b[4]}\" (dòng \"{b[5]}\")")
        words = {w[4] for w in lines}
        if lines and not words & FIRST_HEADERS:
            problems.append(f"trang {n}: không có cột đầu (STT) — trang tính bị cắt ngang, in quá một trang bề rộng")
    return len(pages), problems


def main():
    files = sys.argv[1:]
    if not files:
        print(__doc__)
        return 2
    for tool in ("soffice", "pdftotext"):
        if shutil.which(tool) is None:
            print(f"bỏ qua: không có {tool} (cài LibreOffice và poppler-utils để kiểm tra)")
            return 77
    failed = False
    with tempfile.TemporaryDirectory() as outdir:
        for f in files:
            pages, problems = check(f, outdir)
            status = "ok" if not problems else "LỖI"
            print(f"{status}: {f} ({pages} trang)")
            for p in problems[:20]:
                print(f"  {p}")
            if len(problems) > 20:
                print(f"  … và {len(problems) - 20} lỗi khác")
            failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
