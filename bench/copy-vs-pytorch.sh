#!/usr/bin/env bash
# minitape against PyTorch 1.13 on the seq2seq copy and reverse tasks (10 symbols, lengths 1..10, d_model 64,
# 2 + 2 layers, 4 heads, feed-forward 256, AdamW 1e-3, batch 64, no dropout): steps and training seconds until
# greedy decoding of the 500 held-out sequences reaches 99% exact match (evaluated every 10 steps; evaluation
# is timed apart and not counted as training). Both sides draw the same held-out set and the same training
# batches (minitape's SplitMix64, replayed in bench/pytorch/seq2seq_copy.py). The two run alternately (the
# machine is shared, so timings are noisy: the order flips every seed); the summary gives medians and ratios.
# Every run also decodes lengths 11..15 after training (--generalize-to 15: length generalization).
#
#   bench/copy-vs-pytorch.sh [OUT_DIR]        (default /tmp/copy-vs-pytorch; build the jar first:
#                                              mvn -q -B -o install -Dmaven.test.skip=true)
# Environment: TASKS="copy reverse", SEEDS="1 2 3", THREADS=2 (minitape's kernel threads),
#              JAR=examples/target/minitape.jar (copied into OUT_DIR first, so a rebuild cannot swap it mid-run),
#              JAVA_OPTS: extra JVM options for minitape, default none: the plain `java -jar minitape.jar` users type,
#              whose launcher restarts the CLI in a child JVM with the fast settings (--add-modules=jdk.incubator.vector
#              -XX:+UseSerialGC -Xmn64m; options given here come after those, so they win). Do not pass --add-modules
#              here: a JVM that already has the module runs the CLI itself, without the serial collector and -Xmn64m.
#              MINITAPE_PLAIN_JVM=1 (the launcher's opt-out) runs the plain-Java kernels in one JVM.
# The output, machine.txt and summary.md start with bench/machine.sh's line (CPU model, family, AVX2/AVX-512, java,
# torch): figures from machines whose lines differ must not be compared.
# OUT_DIR gets machine.txt, one log per run (minitape-copy-s1.log, pytorch-copy-s1.log, ...), results.csv
# (side,task,seed,steps99,train_s99,eval_s,exact_match,generalize,generalize_tok,startup_s) and summary.md.
# startup_s: seconds from the process's launch to its first training step (JVM start and setup; Python start,
# import torch and setup); startup_s + train_s99 is the wait from launch to 99%, evaluation excluded.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-/tmp/copy-vs-pytorch}
TASKS=${TASKS:-copy reverse}
SEEDS=${SEEDS:-1 2 3}
THREADS=${THREADS:-2}
JAR=${JAR:-$ROOT/examples/target/minitape.jar}
JAVA_OPTS=${JAVA_OPTS:-}            # none: the plain `java -jar`, the launcher supplies the fast JVM settings
PY=/usr/bin/python3                 # Debian's python3-torch (plain python3 may be a pyenv without torch)
mkdir -p "$OUT"
cp "$JAR" "$OUT/minitape.jar"
MACHINE=$(PYTHON=$PY "$ROOT/bench/machine.sh")      # CPU, family, vector extensions: compare only equal lines
{
    echo "$MACHINE"
    echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), nproc $(nproc)"
    echo "java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
    echo "minitape JVM options: ${JAVA_OPTS:-(none: the plain java -jar, whose launcher runs a child JVM with --add-modules=jdk.incubator.vector -XX:+UseSerialGC -Xmn64m)}${MINITAPE_PLAIN_JVM:+; MINITAPE_PLAIN_JVM=$MINITAPE_PLAIN_JVM}"
    echo "torch: $($PY -c 'import torch; print(torch.__version__)'), BLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

COMMON=(--eval-every 10 --stop-at 0.99 --steps 500 --generalize-to 15)
echo "side,task,seed,steps99,train_s99,eval_s,exact_match,generalize,generalize_tok,startup_s" > "$OUT/results.csv"

run_minitape() {  # task seed
    local log="$OUT/minitape-$1-s$2.log"
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$OUT/minitape.jar" copy --task "$1" --seed "$2" --threads "$THREADS" "${COMMON[@]}" \
        --out "$OUT/minitape-$1-s$2" > "$log" 2>&1
    # final (greedy): ...; 99% reached at step 60 after 4.12 s of training; 5.0 s in all (training 4.12 s, evaluation 0.88 s)
    local startup steps secs evals em gen gentok
    startup=$(sed -n 's/^training starts \([0-9.]*\) s after launch.*/\1/p' "$log")
    steps=$(sed -n 's/.*99% reached at step \([0-9]*\).*/\1/p' "$log")
    secs=$(sed -n 's/.*reached at step [0-9]* after \([0-9.]*\) s of training.*/\1/p' "$log")
    evals=$(sed -n 's/^final.*evaluation \([0-9.]*\) s).*/\1/p' "$log")
    em=$(sed -n 's/^final (greedy): held-out exact match \([0-9.]*\),.*/\1/p' "$log")
    gen=$(sed -n 's/^length generalization.*exact match \([0-9.]*\),.*/\1/p' "$log")
    gentok=$(sed -n 's/^length generalization.*token accuracy \([0-9.]*\).*/\1/p' "$log")
    echo "minitape,$1,$2,${steps:--1},${secs:-nan},$evals,$em,$gen,$gentok,${startup:-nan}" | tee -a "$OUT/results.csv"
}

run_pytorch() {  # task seed
    local log="$OUT/pytorch-$1-s$2.log"
    # PyTorch at its best here: one OpenMP thread, OpenBLAS with 2, glibc never returning buffers with munmap.
    env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 MALLOC_MMAP_MAX_=0 \
        $PY "$ROOT/bench/pytorch/seq2seq_copy.py" --task "$1" --seed "$2" --threads 1 "${COMMON[@]}" > "$log" 2>&1
    # RESULT side=pytorch task=copy seed=1 steps99=60 train_s99=2.804 ... eval_s=... exact_match=... generalize=...
    local r
    r=$(grep '^RESULT' "$log")
    field() { echo "$r" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
    echo "pytorch,$1,$2,$(field steps99),$(field train_s99),$(field eval_s),$(field exact_match),$(field generalize),$(field generalize_tok),$(field startup_s)" \
        | tee -a "$OUT/results.csv"
}

i=0
for task in $TASKS; do
    for seed in $SEEDS; do
        if [ $((i % 2)) -eq 0 ]; then run_minitape "$task" "$seed"; run_pytorch "$task" "$seed"
        else run_pytorch "$task" "$seed"; run_minitape "$task" "$seed"; fi
        i=$((i + 1))
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

# Medians per task and side; ratios minitape / PyTorch; the machine line above them.
printf '%s\n\n' "$MACHINE" | tee "$OUT/summary.md"
$PY - "$OUT/results.csv" <<'EOF' | tee -a "$OUT/summary.md"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:                                  # from launch to 99%, evaluation excluded
    r["launch_s99"] = float(r["startup_s"]) + float(r["train_s99"])
def med(task, side, key):
    v = [float(r[key]) for r in rows if r["task"] == task and r["side"] == side and float(r["steps99"]) > 0]
    return statistics.median(v) if v else float("nan")
print("| task | seed | minitape steps | minitape train s | PyTorch steps | PyTorch train s | minitape startup s | PyTorch startup s | minitape eval s | PyTorch eval s |")
print("|---|---|---|---|---|---|---|---|---|---|")
for task in dict.fromkeys(r["task"] for r in rows):
    for seed in dict.fromkeys(r["seed"] for r in rows if r["task"] == task):
        m = next(r for r in rows if r["task"] == task and r["seed"] == seed and r["side"] == "minitape")
        p = next(r for r in rows if r["task"] == task and r["seed"] == seed and r["side"] == "pytorch")
        print(f"| {task} | {seed} | {m['steps99']} | {m['train_s99']} | {p['steps99']} | {p['train_s99']} | {m['startup_s']} | {p['startup_s']} | {m['eval_s']} | {p['eval_s']} |")
    ms, mt, ps, pt = (med(task, s, k) for s in ("minitape", "pytorch") for k in ("steps99", "train_s99"))
    mu, pu = (med(task, s, "startup_s") for s in ("minitape", "pytorch"))
    print(f"| {task} | **median** | {ms:.0f} | {mt:.2f} | {ps:.0f} | {pt:.2f} | {mu:.2f} | {pu:.2f} | | |")
print()
for task in dict.fromkeys(r["task"] for r in rows):
    ms, mt, ps, pt = (med(task, s, k) for s in ("minitape", "pytorch") for k in ("steps99", "train_s99"))
    mg, pg, mgt, pgt = (med(task, s, k) for k in ("generalize", "generalize_tok") for s in ("minitape", "pytorch"))
    ml, pl = (med(task, s, "launch_s99") for s in ("minitape", "pytorch"))
    print(f"{task}: steps to 99% minitape/PyTorch = {ms / ps:.2f}, training seconds = {mt / pt:.2f}, "
          f"launch to 99% (evaluation excluded) {ml:.2f} vs {pl:.2f} s = {ml / pl:.2f}; "
          f"ms per step {1000 * mt / ms:.0f} vs {1000 * pt / ps:.0f}; lengths 11..15: exact match {mg:.3f} vs {pg:.3f}, "
          f"token accuracy {mgt:.3f} vs {pgt:.3f}")
EOF
