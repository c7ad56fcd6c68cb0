#!/usr/bin/env bash
# minitape against PyTorch 1.13 on nanoGPT's CPU recipe (4 layers, 4 heads, 128 channels, block 64, batch 12,
# AdamW 1e-3 betas (0.9, 0.99), 100 warmup steps then cosine to 1e-4, weight decay 0.1, clip 1.0, 2000 steps,
# no dropout), char tokens on the licenses in /usr/share/common-licenses. The two run alternately (the machine is
# shared, so timings are noisy: the order flips every repeat), and summarize.py reports medians and ratios.
#
#   bench/gpt-vs-pytorch.sh [OUT_DIR]          (default /tmp/gpt-vs-pytorch; build the jar first:
#                                               mvn -q -B -o -DskipTests install)
# Environment: THREADS="2 1" (thread counts, in order), REPEATS=3, STEPS=2000,
#              JAR=examples/target/minitape.jar (copied into OUT_DIR first, so a rebuild cannot swap it mid-run),
#              COMMIT=<label for the report> (default: git rev-parse --short HEAD, +dirty if the tree is),
#              JAVA_OPTS: extra JVM options for minitape, default none: the plain `java -jar minitape.jar` users type,
#              whose launcher restarts the CLI in a child JVM with the fast settings (--add-modules=jdk.incubator.vector
#              -XX:+UseSerialGC -Xmn64m; options given here come after those, so they win). Do not pass --add-modules
#              here: a JVM that already has the module runs the CLI itself, without the serial collector and -Xmn64m.
#              MINITAPE_PLAIN_JVM=1 (the launcher's opt-out) runs the plain-Java kernels in one JVM.
#              SAME_INIT=1 (default): PyTorch starts from minitape's initial weights (--init-from), so the two runs
#              differ only in their numerics; SAME_INIT=0: each framework draws its own initialization.
# The output, machine.txt and summary.md start with bench/machine.sh's line (CPU model, family, AVX2/AVX-512, java,
# torch): figures from machines whose lines differ must not be compared.
# OUT_DIR gets licenses.txt, machine.txt, one folder per run (minitape-T2-r1/, pytorch-T2-r1/, with metrics.csv),
# times.csv (framework,threads,repeat,wall_s,user_s,sys_s) and summary.md from bench/pytorch/summarize.py.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-/tmp/gpt-vs-pytorch}
THREADS=${THREADS:-2}
REPEATS=${REPEATS:-3}
STEPS=${STEPS:-2000}
JAR=${JAR:-$ROOT/examples/target/minitape.jar}
JAVA_OPTS=${JAVA_OPTS:-}            # none: the plain `java -jar`, the launcher supplies the fast JVM settings
SAME_INIT=${SAME_INIT:-1}
PY=/usr/bin/python3                 # Debian's python3-torch (plain python3 may be a pyenv without torch)
. "$ROOT/bench/lib.sh"
default_commit
prepare_out

{
    machine_header
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), nproc $(nproc)"
    echo "java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
    echo "torch: $($PY -c 'import torch; print(torch.__version__)'), BLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"
    echo "data: $DATA, $(wc -c < "$DATA") bytes"
    jvm_options_line
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# (the first 12 words, data and model, are what the initialization depends on)
RECIPE=(--data "$DATA" --n-layer 4 --n-head 4 --n-embd 128 --block-size 64 --batch-size 12 --steps "$STEPS"
        --lr 1e-3 --min-lr 1e-4 --warmup 100 --weight-decay 0.1 --eval-every 250)
[ -f "$OUT/times.csv" ] || echo "framework,threads,repeat,wall_s,user_s,sys_s" > "$OUT/times.csv"
TIMEFORMAT="%R,%U,%S"

# minitape's initial weights, for PyTorch's --init-from: a one-step run at learning rate 1e-12 writes a
# checkpoint whose weights are the initialization to within 1e-12 (an update that size is below half an ulp of
# every nonzero weight; the zero biases move by 1e-12). The model's init depends on its seed, not on --steps.
INIT=()
if [ "$SAME_INIT" = 1 ]; then
    rm -rf "$OUT/init"
    java -jar "$OUT/minitape.jar" train "${RECIPE[@]:0:12}" --steps 1 --warmup 0 --lr 1e-12 --min-lr 1e-12 \
        --weight-decay 0.1 --eval-every 1 --sample-tokens 0 --out "$OUT/init" > "$OUT/init.log" 2>&1
    INIT=(--init-from "$OUT/init")
    echo "PyTorch starts from minitape's initialization ($OUT/init)" | tee -a "$OUT/machine.txt"
fi

run_minitape() {  # threads repeat
    local dir="$OUT/minitape-T$1-r$2"
    rm -rf "$dir"
    local t
    # shellcheck disable=SC2086
    t=$( { time java $JAVA_OPTS -jar "$OUT/minitape.jar" train "${RECIPE[@]}" --threads "$1" --sample-tokens 0 --out "$dir" \
               > "$OUT/minitape-T$1-r$2.log" 2>&1; } 2>&1 )
    echo "minitape,$1,$2,$t" >> "$OUT/times.csv"
    echo "minitape threads $1 repeat $2: $t (wall,user,sys s); $(grep -a '^validation' "$OUT/minitape-T$1-r$2.log")"
}

run_pytorch() {  # threads repeat
    local dir="$OUT/pytorch-T$1-r$2" t
    rm -rf "$dir"
    # PyTorch at its best here: OpenMP threads that sleep when idle (spinning ones collapse on a shared machine),
    # OpenBLAS (pthreads, Debian's libblas) with the same count, glibc never returning big buffers with munmap.
    t=$( { time env OMP_NUM_THREADS="$1" OPENBLAS_NUM_THREADS="$1" OMP_WAIT_POLICY=PASSIVE MALLOC_MMAP_MAX_=0 \
               $PY "$ROOT/bench/pytorch/train_gpt.py" "${RECIPE[@]}" "${INIT[@]}" --threads "$1" --out "$dir" \
               > "$OUT/pytorch-T$1-r$2.log" 2>&1; } 2>&1 )
    echo "pytorch,$1,$2,$t" >> "$OUT/times.csv"
    echo "pytorch  threads $1 repeat $2: $t (wall,user,sys s); $(tail -1 "$OUT/pytorch-T$1-r$2.log")"
}

for n in $THREADS; do
    for r in $(seq 1 "$REPEATS"); do
        if [ $((r % 2)) -eq 1 ]; then run_minitape "$n" "$r"; run_pytorch "$n" "$r"
        else run_pytorch "$n" "$r"; run_minitape "$n" "$r"; fi
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
$PY "$ROOT/bench/pytorch/summarize.py" "$OUT" | tee "$OUT/summary.md"
