#!/usr/bin/env bash
# Cross-entropy forward + backward at (N, V), minitape vs PyTorch 1.13, side by side in ONE run: for each
# thread count the two alternate ROUNDS times (minitape, PyTorch, minitape, ...), each run printing the
# median/min/max of REPEAT timed steps after WARMUP untimed ones; the summary takes, per side, the median
# of the run medians, the min and max over all runs, and the ratio PyTorch/minitape of those medians.
# The machine is shared, so only ratios measured this way (same minutes, same load) mean much.
#
#   bench/crossentropy-vs-pytorch.sh                 # V=32768, threads 1 and 2, 3 rounds
#   V=4096 ROUNDS=5 SIGMA=4 bench/crossentropy-vs-pytorch.sh
#   JAVA_OPTS= bench/crossentropy-vs-pytorch.sh      # minitape without the Vector API kernels, on a stock JVM
#   LOGITS=leaf bench/crossentropy-vs-pytorch.sh     # minitape's logits a fresh leaf each step (see CrossEntropyTiming)
#
# The output starts with bench/machine.sh's line (CPU model, family, AVX2/AVX-512, java, torch), repeated above
# the table: figures from machines whose lines differ must not be compared.
#
# minitape runs CrossEntropyTiming from bench/target/benchmarks.jar (not the launcher), by default in the same JVM
# the plain `java -jar minitape.jar` command runs: its launcher's child JVM options, --add-modules=jdk.incubator.vector
# -XX:+UseSerialGC -Xmn64m (examples' ChildJvm), plus the warm heap below (-XX:+AlwaysPreTouch -Xms$HEAP -Xmx$HEAP).
#
# Needs bench/target/benchmarks.jar:
#   mvn -q -B -o -DskipTests install && mvn -q -B -o -DskipTests package -pl bench
# PyTorch runs at its best: intra-op threads = the thread count (torch.set_num_threads), OMP_NUM_THREADS=1
# OPENBLAS_NUM_THREADS=2 so nothing oversubscribes, and a warm heap (MALLOC_MMAP_MAX_=0, no trimming),
# so its freed N×V buffers are reused without page faults; the JVM gets the same warm heap from
# -XX:+AlwaysPreTouch (else each step's fresh gradient lands on heap pages never touched before, at ~2.6 µs
# a page, until the whole heap has been used once).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-4096}
V=${V:-32768}
THREADS=${THREADS:-"1 2"}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-5}
REPEAT=${REPEAT:-15}
SIGMA=${SIGMA:-1}
LOGITS=${LOGITS:-intermediate}
JAR=${JAR:-bench/target/benchmarks.jar}
PYTHON=${PYTHON:-/usr/bin/python3}
HEAP=${HEAP:-8g}
JAVA_OPTS=${JAVA_OPTS---add-modules=jdk.incubator.vector -XX:+UseSerialGC -Xmn64m}   # the plain java -jar command's child JVM

. bench/lib.sh
begin_timing
echo "# N=$N V=$V sigma=$SIGMA rounds=$ROUNDS warmup=$WARMUP repeat=$REPEAT  $(date -u +%FT%TZ)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# minitape JVM options: ${JAVA_OPTS:-(none)}; logits: $LOGITS"
for t in $THREADS; do
    for ((r = 1; r <= ROUNDS; r++)); do
        java $JAVA_OPTS -XX:+AlwaysPreTouch -Xms$HEAP -Xmx$HEAP -cp "$JAR" dev.minitape.bench.CrossEntropyTiming \
            --n "$N" --v "$V" --threads "$t" --warmup "$WARMUP" --repeat "$REPEAT" --sigma "$SIGMA" --logits "$LOGITS" | tee -a "$out"
        OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 \
            "$PYTHON" bench/pytorch/crossentropy.py \
            --n "$N" --v "$V" --threads "$t" --warmup "$WARMUP" --repeat "$REPEAT" --sigma "$SIGMA" | tee -a "$out"
    done
done
end_timing
awk -v N="$N" -v V="$V" '
    function field(name,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] } }
    { side = $1; t = field("threads"); key = side SUBSEP t
      meds[key] = meds[key] " " field("median_ms"); cpus[key] = cpus[key] " " field("main_thread_cpu_median_ms"); cnt[key]++
      mn = field("min_ms") + 0; mx = field("max_ms") + 0
      if (!(key in lo) || mn < lo[key]) lo[key] = mn
      if (!(key in hi) || mx > hi[key]) hi[key] = mx
      ts[t] = 1 }
    function median(list,   a, n, i, j, tmp) {
        n = split(list, a, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { tmp = a[i]; a[i] = a[j]; a[j] = tmp }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END {
        bytes = 8 * N * V
        printf "| threads | minitape median (min–max) ms | PyTorch median (min–max) ms | speedup | minitape GB/s at 8·N·V B | main-thread CPU ms minitape / PyTorch |\n"
        printf "|---|---|---|---|---|---|\n"
        for (t in ts) {
            m = median(meds["minitape" SUBSEP t]); p = median(meds["pytorch" SUBSEP t])
            mc = median(cpus["minitape" SUBSEP t]); pc = median(cpus["pytorch" SUBSEP t])
            printf "| %s | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) | %.2f× | %.1f | %.2f / %.2f |\n", t, m, lo["minitape" SUBSEP t], hi["minitape" SUBSEP t], \
                p, lo["pytorch" SUBSEP t], hi["pytorch" SUBSEP t], p / m, bytes / (m / 1e3) / 1e9, mc, pc
        }
    }' "$out"
