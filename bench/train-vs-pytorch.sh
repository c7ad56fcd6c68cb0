#!/usr/bin/env bash
# Steady-state GPT training throughput (tokens/s) of the plain `java -jar minitape.jar train` command against
# PyTorch 1.13's trainer (bench/pytorch/train_gpt.py, the same recipe piece for piece), side by side in ONE run, at
# the sizes of step-vs-pytorch.sh (2048 tokens per step each):
#
#   S: 2 layers, 4 heads,  64 channels, block  64, batch 32
#   M: 4 layers, 4 heads, 128 channels, block 128, batch 16
#   L: 6 layers, 6 heads, 384 channels, block 256, batch  8
#
# char tokens on the licenses in /usr/share/common-licenses (built as gpt-vs-pytorch.sh builds them), AdamW lr 1e-3
# to 1e-4 after a warmup of a tenth of the steps, no dropout, one evaluation at the last step. Both trainers write
# metrics.csv (step,train_loss,val_loss,lr,tokens_per_sec) with one row per step, tokens_per_sec = B·T over that
# step's time (schedule, batch, forward, backward, clip, AdamW; not the evaluation). A run's figure is the median
# tokens_per_sec over the second half of its steps (past JIT compilation and warm-up); a side's figure is the
# median over the rounds of those, with their min and max.
#
# minitape: the command users type, `java -jar minitape.jar train ...` with no JVM options (its launcher restarts
# the CLI in a child JVM with --add-modules=jdk.incubator.vector -XX:+UseSerialGC -Xmn64m), --threads T.
# PyTorch at its best: OMP_WAIT_POLICY=PASSIVE (spinning OpenMP threads collapse on a shared machine) and a warm heap
# (MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000), in two setups, and the table reports the better one:
#   torchT:      torch.set_num_threads(T), OMP_NUM_THREADS=T, OPENBLAS_NUM_THREADS=T
#   torch1-blasT: torch.set_num_threads(1), OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=T   (only when T > 1)
# Per configuration and thread count the sides alternate ROUNDS times: minitape, torchT, torch1-blasT, then the
# reverse order the next round, so all see the same machine load. The machine is shared: only ratios measured
# this way mean much, and only between runs whose machine lines (bench/machine.sh) are equal.
#
#   bench/train-vs-pytorch.sh [OUT_DIR]                   (default /tmp/train-vs-pytorch)
#   STEPS_S=30 CONFIGS=S ROUNDS=1 bench/train-vs-pytorch.sh /tmp/smoke    # a smoke test
#
# Environment: CONFIGS="S M L", THREADS=2 (one or more thread counts), ROUNDS=3,
#              STEPS=300 (steps per run for S and M; STEPS_S, STEPS_M set them apart), STEPS_L=STEPS/3 (an L step
#              takes ~1 s on 2 cores), JAR=examples/target/minitape.jar (copied into OUT_DIR first, so a rebuild
#              cannot swap it mid-run), COMMIT=<label> (default: git rev-parse --short HEAD, +dirty if the tree is),
#              PYTHON=/usr/bin/python3 (Debian's python3-torch), JAVA_OPTS: extra JVM options for minitape (default
#              none; they reach the child after the launcher's; --add-modules here would skip the child and its
#              collector settings), MINITAPE_PLAIN_JVM=1: the launcher's opt-out (plain-Java kernels, one JVM).
# OUT_DIR gets licenses.txt, machine.txt, one folder and log per run (minitape-S-T2-r1/, pytorch-torch2-S-T2-r1/, ...),
# results.csv (side,setup,config,threads,round,steps,median_tok_s,wall_s) and summary.md; the output, machine.txt
# and summary.md start with bench/machine.sh's line (CPU model, family, AVX2/AVX-512, java, torch).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-/tmp/train-vs-pytorch}
CONFIGS=${CONFIGS:-S M L}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
STEPS=${STEPS:-300}
STEPS_S=${STEPS_S:-$STEPS}
STEPS_M=${STEPS_M:-$STEPS}
STEPS_L=${STEPS_L:-$((STEPS / 3))}
JAR=${JAR:-$ROOT/examples/target/minitape.jar}
JAVA_OPTS=${JAVA_OPTS:-}            # none: the plain `java -jar`, the launcher supplies the fast JVM settings
PY=${PYTHON:-/usr/bin/python3}
. "$ROOT/bench/lib.sh"
default_commit

shape() {  # config -> "layers heads channels block batch"
    case $1 in
        S) echo "2 4 64 64 32" ;;
        M) echo "4 4 128 128 16" ;;
        L) echo "6 6 384 256 8" ;;
        *) echo "unknown config '$1' (S, M or L)" >&2; exit 2 ;;
    esac
}
steps_of() { case $1 in S) echo "$STEPS_S" ;; M) echo "$STEPS_M" ;; L) echo "$STEPS_L" ;; esac; }
for c in $CONFIGS; do
    shape "$c" > /dev/null
    n=$(steps_of "$c")
    [ "$n" -ge 4 ] || { echo "config $c: at least 4 steps, got $n" >&2; exit 2; }
done

prepare_out

{
    machine_header
    echo "runs: configs $CONFIGS, threads $THREADS, rounds $ROUNDS, steps per run S $STEPS_S, M $STEPS_M, L $STEPS_L"
    echo "data: $DATA, $(wc -c < "$DATA") bytes"
    jvm_options_line
    echo "torch BLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

echo "side,setup,config,threads,round,steps,median_tok_s,wall_s" > "$OUT/results.csv"

recipe() {  # config -> RECIPE, the arguments both trainers take
    local l h c b bs n
    read -r l h c b bs <<<"$(shape "$1")"
    n=$(steps_of "$1")
    RECIPE=(--data "$DATA" --n-layer "$l" --n-head "$h" --n-embd "$c" --block-size "$b" --batch-size "$bs"
            --steps "$n" --eval-every "$n" --lr 1e-3 --min-lr 1e-4 --warmup $((n / 10)) --weight-decay 0.1)
}

median_second_half() {  # metrics.csv steps -> median tokens_per_sec over the steps after steps/2
    [ -f "$1" ] || { echo nan; return; }
    # (train_gpt.py's csv.writer ends its lines with \r\n)
    awk -F'[,\r]' -v half=$(($2 / 2)) 'NR > 1 && $1 > half && $5 != "" { print $5 }' "$1" | sort -g \
        | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

record() {  # side setup config threads round dir log started
    local n med wall
    n=$(steps_of "$3")
    med=$(median_second_half "$6/metrics.csv" "$n")
    wall=$(awk -v a="$8" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    echo "$1,$2,$3,$4,$5,$n,$med,$wall" >> "$OUT/results.csv"
    printf '%-9s %-13s %s T%s round %s: %s tok/s (median of steps %d..%d), %s s wall\n' "$1" "$2" "$3" "$4" "$5" \
        "$med" $((n / 2 + 1)) "$n" "$wall"
    [ "$med" != nan ] || echo "  no figure: see $7" >&2
}

run_minitape() {  # config threads round
    local dir="$OUT/minitape-$1-T$2-r$3" log="$OUT/minitape-$1-T$2-r$3.log" started
    rm -rf "$dir"
    recipe "$1"
    started=$(date +%s.%N)
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$OUT/minitape.jar" train "${RECIPE[@]}" --sample-tokens 0 --dropout 0 --threads "$2" \
        --out "$dir" > "$log" 2>&1 || echo "minitape $1 T$2 round $3 failed (exit $?)" >&2
    record minitape plain "$1" "$2" "$3" "$dir" "$log" "$started"
}

run_pytorch() {  # setup config threads round
    local setup=$1; shift
    local dir="$OUT/pytorch-$setup-$1-T$2-r$3" log="$OUT/pytorch-$setup-$1-T$2-r$3.log" started intra
    if [ "$setup" = "torch$2" ]; then intra=$2; else intra=1; fi
    rm -rf "$dir"
    recipe "$1"
    started=$(date +%s.%N)
    env OMP_NUM_THREADS="$intra" OPENBLAS_NUM_THREADS="$2" OMP_WAIT_POLICY=PASSIVE MALLOC_MMAP_MAX_=0 \
        MALLOC_TRIM_THRESHOLD_=100000000000 \
        "$PY" "$ROOT/bench/pytorch/train_gpt.py" "${RECIPE[@]}" --threads "$intra" --out "$dir" > "$log" 2>&1 \
        || echo "pytorch $setup $1 T$2 round $3 failed (exit $?)" >&2
    record pytorch "$setup" "$1" "$2" "$3" "$dir" "$log" "$started"
}

for c in $CONFIGS; do
    for t in $THREADS; do
        sides=(minitape "torch$t")
        [ "$t" -gt 1 ] && sides+=("torch1-blas$t")
        for ((r = 1; r <= ROUNDS; r++)); do
            order=("${sides[@]}")
            if ((r % 2 == 0)); then order=(); for ((i = ${#sides[@]} - 1; i >= 0; i--)); do order+=("${sides[i]}"); done; fi
            for s in "${order[@]}"; do
                if [ "$s" = minitape ]; then run_minitape "$c" "$t" "$r"; else run_pytorch "$s" "$c" "$t" "$r"; fi
            done
        done
    done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
echo

# The table: per config and thread count, minitape's and PyTorch's better setup, medians over the rounds.
"$PY" - "$OUT/results.csv" "$OUT/machine.txt" <<'EOF' | tee "$OUT/summary.md"
import csv, math, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1]))]
lines = open(sys.argv[2]).read().splitlines()
info = dict(l.split(": ", 1) for l in lines[1:] if ": " in l)
print(lines[0])
print()
print(f"commit {info['commit']}, {info['date']}; {info['runs']}; load average {info['load average at start']} "
      f"at start, {info['load average at end']} at end")
print()
def stats(side, setup, c, t):
    v = [float(r["median_tok_s"]) for r in rows if (r["side"], r["config"], r["threads"]) == (side, c, t)
         and (setup is None or r["setup"] == setup)]
    v = [x for x in v if math.isfinite(x)]
    return (statistics.median(v), min(v), max(v), len(v)) if v else (math.nan, math.nan, math.nan, 0)
fmt = lambda s: f"{s[0]:,.0f} ({s[1]:,.0f}–{s[2]:,.0f})" if s[3] else "failed"
print("| config | threads | steps | minitape tok/s median (min–max) | PyTorch tok/s median (min–max), best setup | PyTorch other setup | minitape ÷ PyTorch tok/s |")
print("|---|---|---|---|---|---|---|")
for c, t in dict.fromkeys((r["config"], r["threads"]) for r in rows):
    m = stats("minitape", None, c, t)
    setups = {s: stats("pytorch", s, c, t) for s in dict.fromkeys(r["setup"] for r in rows
                                                                  if r["side"] == "pytorch" and (r["config"], r["threads"]) == (c, t))}
    ranked = sorted(setups, key=lambda s: -setups[s][0] if setups[s][3] else math.inf)
    best = setups[ranked[0]]
    other = ", ".join(f"{s}: {setups[s][0]:,.0f}" if setups[s][3] else f"{s}: failed" for s in ranked[1:]) or "—"
    steps = next(r["steps"] for r in rows if (r["config"], r["threads"]) == (c, t))
    ratio = m[0] / best[0] if m[3] and best[3] else math.nan
    print(f"| {c} | {t} | {steps} | {fmt(m)} | {fmt(best)}, {ranked[0]} | {other} | **{ratio:.2f}×** |")
print()
print("Each run: median tokens/s over the second half of its steps (metrics.csv); a cell: median over the rounds "
      "(min–max). PyTorch setups: torchT = torch.set_num_threads(T), OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=T; "
      "torch1-blasT = torch 1 thread, OMP_NUM_THREADS=1, OPENBLAS_NUM_THREADS=T; both OMP_WAIT_POLICY=PASSIVE, "
      "MALLOC_MMAP_MAX_=0, MALLOC_TRIM_THRESHOLD_=100000000000. minitape: the plain `java -jar minitape.jar train`.")
EOF
