#!/usr/bin/env python3
"""Launch cost of the plain `java -jar minitape.jar` (the launcher and its child JVM) against the same command with
MINITAPE_PLAIN_JVM=1 (one JVM, plain kernels), run alternately: seconds from launch to the first training step
(the `model:` line, printed just before it) and to the end of the run.

    bench/launch_time.py [--rounds 5] [--steps 20]
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

p = argparse.ArgumentParser()
p.add_argument("--rounds", type=int, default=5)
p.add_argument("--steps", type=int, default=20)
p.add_argument("--jar", default="examples/target/minitape.jar")
a = p.parse_args()

text = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
text.write("the cat sat on the mat and the dog ran in the garden. " * 2000)
text.close()

def once(plain):
    env = dict(os.environ)
    env.pop("MINITAPE_PLAIN_JVM", None)
    if plain:
        env["MINITAPE_PLAIN_JVM"] = "1"
    out = tempfile.mkdtemp()
    t0 = time.monotonic()
    proc = subprocess.Popen(["java", "-jar", a.jar, "train", "--data", text.name, "--steps", str(a.steps), "--warmup", "1",
                             "--eval-every", str(a.steps), "--sample-tokens", "0", "--out", out],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    first_step = None
    for line in proc.stdout:
        if line.startswith("model:") and first_step is None:
            first_step = time.monotonic() - t0
    proc.wait()
    return first_step, time.monotonic() - t0

results = {True: ([], []), False: ([], [])}
for r in range(a.rounds):
    for plain in ((True, False) if r % 2 == 0 else (False, True)):
        f, w = once(plain)
        results[plain][0].append(f)
        results[plain][1].append(w)

def mmm(xs):
    return f"{min(xs):.2f} / {statistics.median(xs):.2f} / {max(xs):.2f}"

print(f"# {a.rounds} alternating rounds, train --steps {a.steps} on a 110 kB text; seconds min / median / max")
print("| JVM | launch → first step | launch → exit |")
print("|---|---|---|")
for plain, name in ((True, "MINITAPE_PLAIN_JVM=1 (one JVM, plain kernels)"), (False, "plain command (launcher + child, Vector API)")):
    print(f"| {name} | {mmm(results[plain][0])} | {mmm(results[plain][1])} |")
d = statistics.median(results[False][0]) - statistics.median(results[True][0])
print(f"launch → first step, launcher minus one JVM (medians): {d:+.2f} s")
