#!/usr/bin/env python3
"""The mutation score per package from the reports `mvn -Pmutation verify` writes (TESTING.md).

    python3 scripts/mutation-summary.py [--survivors]

Reads every */target/pit-reports/mutations.csv. PIT counts a mutant as detected when a test failed (KILLED),
ran out of time (TIMED_OUT), memory (MEMORY_ERROR) or crashed (RUN_ERROR); the score is detected / all, where
all includes the mutants no test reached (NO_COVERAGE). --survivors lists each undetected mutant, one a line.
"""
import csv
import glob
import sys
from collections import defaultdict

DETECTED = {"KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR"}


def rows():
    for path in sorted(glob.glob("*/target/pit-reports/mutations.csv")):
        with open(path, newline="") as f:
            # file, class, mutator, method, line, status, killing test
            for r in csv.reader(f):
                yield {"cls": r[1], "mutator": r[2].rsplit(".", 1)[-1], "method": r[3], "line": r[4], "status": r[5]}


def main(argv):
    total, detected = defaultdict(int), defaultdict(int)
    survivors = []
    for r in rows():
        package = r["cls"].rsplit(".", 1)[0]
        total[package] += 1
        if r["status"] in DETECTED:
            detected[package] += 1
        else:
            survivors.append(r)
    print(f"| package | mutants | detected | score |")
    print(f"|---|---|---|---|")
    for p in sorted(total):
        print(f"| {p} | {total[p]} | {detected[p]} | {100 * detected[p] / total[p]:.1f}% |")
    t, d = sum(total.values()), sum(detected.values())
    if t:
        print(f"| all | {t} | {d} | {100 * d / t:.1f}% |")
    if "--survivors" in argv:
        for r in survivors:
            print(f"{r['status']:12} {r['cls']}:{r['line']} {r['method']} {r['mutator']}")


if __name__ == "__main__":
    main(sys.argv[1:])
