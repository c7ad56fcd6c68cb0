#!/usr/bin/env python3
"""Summarizes a bench/gpt-vs-pytorch.sh output folder as Markdown: per thread count, the median wall time,
CPU time and final validation loss of each framework, their difference and ratio, then the validation curves.

    /usr/bin/python3 bench/pytorch/summarize.py OUT_DIR
"""
import csv
import json
import os
import statistics
import sys

NAMES = {"minitape": "minitape", "pytorch": "PyTorch"}


def curve(run_dir):
    """{step: val_loss} and the seconds spent in training steps (Σ B·T/tokens_per_sec) from metrics.csv."""
    vals, step_seconds = {}, 0.0
    with open(os.path.join(run_dir, "metrics.csv")) as f:
        for row in csv.DictReader(f):
            if row["val_loss"] not in ("", "NaN", "nan"):
                vals[int(row["step"])] = float(row["val_loss"])
            step_seconds += 12 * 64 / float(row["tokens_per_sec"])
    return vals, step_seconds


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def main(out):
    runs = {}
    with open(os.path.join(out, "times.csv")) as f:
        for row in csv.DictReader(f):
            key = (row["framework"], int(row["threads"]))
            run_dir = os.path.join(out, f"{row['framework']}-T{row['threads']}-r{row['repeat']}")
            try:
                vals, step_s = curve(run_dir)
            except (OSError, ValueError, KeyError):
                continue
            if not vals:
                continue
            runs.setdefault(key, []).append({"repeat": int(row["repeat"]), "wall": float(row["wall_s"]),
                                             "cpu": float(row["user_s"]) + float(row["sys_s"]),
                                             "steps_s": step_s, "vals": vals, "final": vals[max(vals)]})
    with open(os.path.join(out, "machine.txt")) as f:
        print("```\n" + f.read().strip() + "\n```\n")
    for threads in sorted({t for _, t in runs}, reverse=True):
        m, p = runs.get(("minitape", threads), []), runs.get(("pytorch", threads), [])
        if not m or not p:
            continue
        print(f"### {threads} thread{'s' if threads > 1 else ''}: {len(m)} minitape runs, {len(p)} PyTorch runs "
              f"(alternating), medians\n")
        print("| | final val loss (nats/char) | wall time (s) | CPU time, user+sys (s) | time in training steps (s) |")
        print("|---|---|---|---|---|")
        stats = {}
        for name, rs in (("minitape", m), ("pytorch", p)):
            s = {k: med([r[k] for r in rs]) for k in ("final", "wall", "cpu", "steps_s")}
            stats[name] = s
            walls = ", ".join(f"{r['wall']:.0f}" for r in sorted(rs, key=lambda r: r["repeat"]))
            finals = sorted({round(r["final"], 4) for r in rs})
            print(f"| {NAMES[name]} | {s['final']:.4f}" + (f" (runs: {', '.join(f'{v:.4f}' for v in finals)})"
                                                           if len(finals) > 1 else "")
                  + f" | {s['wall']:.0f} (runs: {walls}) | {s['cpu']:.0f} | {s['steps_s']:.0f} |")
        a, b = stats["minitape"], stats["pytorch"]
        print(f"| minitape − PyTorch | {a['final'] - b['final']:+.4f} | {a['wall'] - b['wall']:+.0f} | "
              f"{a['cpu'] - b['cpu']:+.0f} | {a['steps_s'] - b['steps_s']:+.0f} |")
        print(f"| minitape / PyTorch | | {a['wall'] / b['wall']:.2f}× | {a['cpu'] / b['cpu']:.2f}× | "
              f"{a['steps_s'] / b['steps_s']:.2f}× |")
        pairs = [(x["wall"] / y["wall"]) for x, y in zip(sorted(m, key=lambda r: r["repeat"]),
                                                         sorted(p, key=lambda r: r["repeat"]))]
        print(f"\nwall-time ratio per alternating pair: {', '.join(f'{r:.2f}' for r in pairs)}\n")
        steps = sorted(set.intersection(*[set(r["vals"]) for r in m + p]))
        print("| step | minitape val | PyTorch val | difference |")
        print("|---|---|---|---|")
        for st in steps:
            mv, pv = med([r["vals"][st] for r in m]), med([r["vals"][st] for r in p])
            print(f"| {st} | {mv:.4f} | {pv:.4f} | {mv - pv:+.4f} |")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
