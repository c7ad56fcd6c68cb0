#!/usr/bin/env python3
"""Recall of rare and frequent tokens from `minitape eval --predictions` files (plain Python, no packages).

    recall_by_frequency.py RUN_DIR TRAIN_TEXT PREDICTIONS.csv [RARE_SHARE]

A class is rare when it makes up less than RARE_SHARE (default 0.001, i.e. 0.1%) of TRAIN_TEXT's characters;
the ids are the run's char tokenizer's (RUN_DIR/checkpoint/tokenizer.json, codePoints in id order). Prints
the recall (share of positions whose argmax is the target) over rare targets and over the rest, and the
macro recall (the mean over classes that occur as targets), with the counts behind each.
"""
import csv
import json
import sys
from collections import Counter


def main():
    run, text_path, predictions = sys.argv[1], sys.argv[2], sys.argv[3]
    rare_share = float(sys.argv[4]) if len(sys.argv) > 4 else 0.001
    with open(f"{run}/checkpoint/tokenizer.json", encoding="utf-8") as f:
        code_points = json.load(f)["codePoints"]
    with open(text_path, encoding="utf-8") as f:
        counts = Counter(ord(c) for c in f.read())
    total = sum(counts.values())
    rare = {i for i, cp in enumerate(code_points) if counts[cp] < rare_share * total}
    hits, seen = Counter(), Counter()
    with open(predictions, newline="") as f:
        for row in csv.DictReader(f):
            y = int(row["target"])
            seen[y] += 1
            hits[y] += int(row["argmax"]) == y

    def recall(classes):
        n = sum(seen[c] for c in classes)
        return (sum(hits[c] for c in classes) / n if n else float("nan")), n

    rare_recall, rare_n = recall([c for c in seen if c in rare])
    rest_recall, rest_n = recall([c for c in seen if c not in rare])
    macro = sum(hits[c] / seen[c] for c in seen) / len(seen)
    print(f"rare_recall={rare_recall:.4f} rare_positions={rare_n} rare_classes={len([c for c in seen if c in rare])} "
          f"frequent_recall={rest_recall:.4f} frequent_positions={rest_n} macro_recall={macro:.4f} classes={len(seen)}")


if __name__ == "__main__":
    main()
