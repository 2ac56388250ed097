#!/usr/bin/env python3
"""Splits XED's Finnish polarity export into a calibration part and a held-out part.

Why: Finnish sentiment is calibrated on XED (`polku train-sentiment --calibrate fi=...`) and
measured on XED too, so the two must never share a sentence. The rule is fixed and simple, so
anyone can redo it: data row i (0-based) is held out when i % 3 == 2, else it calibrates; a
held-out text that also occurs in the calibration part is dropped. The vendored test sample
(assets/eval/xed-fi-sample.tsv) is every k-th held-out row per label, 250 positive and 250
negative, so accuracy on it is balanced accuracy.

Usage: scripts/split-xed.py XED_CSV OUT_DIR   (writes xed-fi-calibration.csv,
xed-fi-heldout.csv and xed-fi-sample.tsv into OUT_DIR)
"""
import csv
import sys
from pathlib import Path

SAMPLE_PER_LABEL = 250

src, out = Path(sys.argv[1]), Path(sys.argv[2])
rows = list(csv.DictReader(src.open(encoding="utf-8")))
calibration = [r for i, r in enumerate(rows) if i % 3 != 2]
seen = {r["text"] for r in calibration}
held_out = [r for i, r in enumerate(rows) if i % 3 == 2 and r["text"] not in seen]
out.mkdir(parents=True, exist_ok=True)
for name, part in (("xed-fi-calibration.csv", calibration), ("xed-fi-heldout.csv", held_out)):
    with (out / name).open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["text", "label"], lineterminator="\n")
        w.writeheader()
        w.writerows({"text": r["text"], "label": r["label"]} for r in part)
sample = []
for label in ("positive", "negative"):
    of_label = [r for r in held_out if r["label"] == label]
    step = len(of_label) / SAMPLE_PER_LABEL
    sample += [(int(i * step), of_label[int(i * step)]) for i in range(SAMPLE_PER_LABEL)]
# Labels interleaved in held-out order, not grouped.
sample.sort(key=lambda x: (x[0], x[1]["label"]))
with (out / "xed-fi-sample.tsv").open("w", encoding="utf-8", newline="") as f:
    f.write("label\ttext\n")
    for _, r in sample:
        assert "\t" not in r["text"] and "\n" not in r["text"]
        f.write(("pos" if r["label"] == "positive" else "neg") + "\t" + r["text"] + "\n")
print(f"{len(calibration)} calibration, {len(held_out)} held out, {len(sample)} in the sample", file=sys.stderr)
