#!/usr/bin/env python3
"""A reporting period of N units for the benchmarks: DIR/tong-hop.json (11 indicators, one a
ratio, two groups), DIR/bao-cao.json (the report frame) and one unit report per unit in
DIR/quy-1/. Usage: gen-period.py DIR N"""
import json, os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(f"{d}/quy-1", exist_ok=True)
units = [f"UBND xã Số {i:05}" for i in range(n)]
ind = [{"key": k, "label": k} for k in ["van_ban","hoi_nghi","luot_nguoi","tin_bai","phat_thanh","cuoc_hop","to_roi","tthc_cong_khai","tthc_tong","khac"]]
ind.insert(9, {"key": "ty_le", "label": "Tỷ lệ", "ratio": ["tthc_cong_khai", "tthc_tong"]})
half = n // 2
json.dump({"issuer": {"name": "SỞ NỘI VỤ"}, "place": "Nghệ An", "form_id": "Biểu số 01",
           "title": "Biểu tổng hợp", "indicators": ind,
           "groups": [{"name": "Phường", "units": units[:half]}, {"name": "Xã", "units": units[half:]}]},
          open(f"{d}/tong-hop.json", "w"), ensure_ascii=False)
json.dump({"type": "bao_cao", "template": "bao-cao-tuyen-truyen-cchc",
           "issuer": {"parent": "UBND TỈNH NGHỆ AN", "name": "SỞ NỘI VỤ", "abbreviation": "SNV",
                      "full_name": "Sở Nội vụ tỉnh Nghệ An"},
           "place": "Nghệ An", "trich_yeu": "Kết quả công tác tuyên truyền {{ ky.ten }}",
           "kinh_gui": ["Ủy ban nhân dân tỉnh"], "noi_nhan": ["Lãnh đạo Sở"],
           "signer": {"title": "GIÁM ĐỐC", "name": "Nguyễn Văn A"}},
          open(f"{d}/bao-cao.json", "w"), ensure_ascii=False)
for i, u in enumerate(units):
    figs = {k["key"]: (i * 7 + j) % 50 for j, k in enumerate(ind) if "ratio" not in k}
    figs["tthc_tong"] = 120; figs["tthc_cong_khai"] = 100 + i % 20
    json.dump({"unit": u, "period": {"kind": "quy", "number": 1, "year": 2026}, "figures": figs,
               "tasks": {}}, open(f"{d}/quy-1/{i:05}.json", "w"), ensure_ascii=False)
