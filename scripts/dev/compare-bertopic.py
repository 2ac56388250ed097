#!/usr/bin/env python3
"""Development only (not run by CI): BERTopic's clustering on the same sentences and vectors as
Polku's theme discovery, for the side-by-side in the README's model-quality section.

    python3 scripts/dev/compare-bertopic.py PROJECT.polku [MODEL] [--show N]

Reads the sentences Polku stored for MODEL (default multilingual-e5-small) with their 8-bit
vectors, keeps those with at least 3 content words the way Polku does (approximated here: 3+
words of 3+ letters), and runs BERTopic's default pipeline on the vectors: UMAP to 5
dimensions (n_neighbors 15, cosine), then HDBSCAN (min_cluster_size 10, leaf-free EOM). Prints
the number of topics, coverage and the largest topic's share, and the N largest topics with
three sentences each, for reading. Needs `pip install umap-learn hdbscan` (BERTopic itself
would pull in PyTorch; its clustering is these two steps).
"""

import re
import sqlite3
import struct
import sys

import numpy as np


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 20
    if "--show" in sys.argv:
        args.remove(str(show))
    path, model = args[0], (args[1] if len(args) > 1 else "multilingual-e5-small")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT substr(s.text, x.start + 1, x.end - x.start), x.embedding FROM sentences x "
        "JOIN sources s ON s.id = x.source_id WHERE x.model = ? ORDER BY x.id", (model,)).fetchall()
    texts, vectors = [], []
    for text, blob in rows:
        if len(re.findall(r"\w{3,}", text)) < 3:
            continue
        scale = struct.unpack("<f", blob[:4])[0]
        texts.append(text)
        vectors.append(np.frombuffer(blob[4:], dtype=np.int8).astype(np.float32) * scale)
    x = np.stack(vectors)
    import umap
    import hdbscan
    reduced = umap.UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42).fit_transform(x)
    labels = hdbscan.HDBSCAN(min_cluster_size=10, metric="euclidean", cluster_selection_method="eom").fit_predict(reduced)
    topics = {}
    for i, label in enumerate(labels):
        if label >= 0:
            topics.setdefault(label, []).append(i)
    themed = sum(len(m) for m in topics.values())
    largest = max((len(m) for m in topics.values()), default=0)
    print(f"BERTopic clustering (UMAP 5-d + HDBSCAN): {len(texts)} sentences, {len(topics)} topics, "
          f"coverage {100 * themed / len(texts):.1f} %, largest {100 * largest / len(texts):.1f} %")
    for label, members in sorted(topics.items(), key=lambda t: -len(t[1]))[:show]:
        centre = x[members].mean(axis=0)
        best = sorted(members, key=lambda i: -float(x[i] @ centre))[:3]
        print(f"\n[{len(members)}]")
        for i in best:
            print("   ", texts[i][:140])


if __name__ == "__main__":
    main()
