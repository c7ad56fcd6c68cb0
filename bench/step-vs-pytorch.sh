#!/usr/bin/env bash
# The GPT training step (forward, cross-entropy, backward, AdamW) at sizes S, M and L, minitape against
# PyTorch 1.13, side by side in ONE run: per configuration and thread count the two alternate ROUNDS times
# (the order flips every round), each run printing the median/min/max of REPEAT timed steps after a warm-up,
# tokens per second, peak RSS and greedy sampling throughput. The summary takes, per side, the median of the
# run medians and reports PyTorch's time over minitape's (> 1: minitape is faster).
#
#   bench/step-vs-pytorch.sh                                   # S M L, threads 1 2, 3 rounds
#   CONFIGS=M THREADS=2 ROUNDS=5 bench/step-vs-pytorch.sh
#   JAVA_OPTS= bench/step-vs-pytorch.sh                        # minitape on a stock JVM's defaults
#
# minitape runs GptStepTiming from bench/target/benchmarks.jar (not the launcher), by default in the same JVM the
# plain `java -jar minitape.jar` command runs: its launcher's child JVM options, --add-modules=jdk.incubator.vector
# -XX:+UseSerialGC -Xmn64m (examples' ChildJvm), plus -Xmx4g here.
#
# The output starts with bench/machine.sh's line (CPU model, family, AVX2/AVX-512, java, torch), repeated above
# the table: figures from machines whose lines differ must not be compared.
# Needs bench/target/benchmarks.jar: mvn -q -B -o -DskipTests install && mvn -q -B -o -DskipTests package -pl bench
# PyTorch at its best here (issue 7): torch's own pool at the thread count, OpenMP threads that sleep when
# idle, OpenBLAS at the thread count, and a warm heap (glibc never returning big buffers with munmap).
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIGS=${CONFIGS:-"S M L"}
THREADS=${THREADS:-"1 2"}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-5}
REPEAT=${REPEAT:-20}
SAMPLE=${SAMPLE:-63}
JAR=${JAR:-bench/target/benchmarks.jar}
PYTHON=${PYTHON:-/usr/bin/python3}
# exactly the options the plain `java -jar` command's launcher gives its child JVM (examples' ChildJvm): the Vector
# API kernels, and a small heap: a step that reuses its buffers allocates ~0.3 MB, so the serial collector with a
# 64 MB young generation suffices, and the RSS stays near the live data
JAVA_OPTS=${JAVA_OPTS---add-modules=jdk.incubator.vector -XX:+UseSerialGC -Xmn64m}

. bench/lib.sh
begin_timing
echo "# configs=$CONFIGS threads=$THREADS rounds=$ROUNDS warmup=$WARMUP repeat=$REPEAT  $(date -u +%FT%TZ)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# minitape JVM options: ${JAVA_OPTS:-(none)}"
echo "# commit $(git rev-parse --short HEAD)$([ -n "$(git status --porcelain --untracked-files=no -- core nn lm)" ] && echo +dirty)"
minitape() {
    # shellcheck disable=SC2086
    java $JAVA_OPTS -Xmx4g -cp "$JAR" dev.minitape.bench.GptStepTiming --config "$1" --threads "$2" --warmup "$WARMUP" \
        --repeat "$REPEAT" --sample "$SAMPLE" 2> >(grep -v "incubator modules" >&2) | tee -a "$out"
}
pytorch() {
    OMP_NUM_THREADS="$2" OPENBLAS_NUM_THREADS="$2" OMP_WAIT_POLICY=PASSIVE MALLOC_MMAP_MAX_=0 \
        MALLOC_TRIM_THRESHOLD_=100000000000 "$PYTHON" bench/pytorch/gpt_step.py --config "$1" --threads "$2" \
        --warmup "$WARMUP" --repeat "$REPEAT" --sample "$SAMPLE" | tee -a "$out"
}
for c in $CONFIGS; do
    for t in $THREADS; do
        for ((r = 1; r <= ROUNDS; r++)); do
            if ((r % 2)); then minitape "$c" "$t"; pytorch "$c" "$t"; else pytorch "$c" "$t"; minitape "$c" "$t"; fi
        done
    done
done
end_timing
awk '
    function field(name,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] } }
    { side = $1; key = field("config") " " field("threads")
      if (!(key in seen)) { seen[key] = 1; order[++n] = key }
      meds[side, key] = meds[side, key] " " field("median_ms"); tok[key] = field("tokens_per_step")
      rss[side, key] = rss[side, key] " " field("peak_rss_mb"); smp[side, key] = smp[side, key] " " field("sample_tokens_per_s")
      if (side == "minitape") alloc[key] = alloc[key] " " field("alloc_mb_per_step")
      mn = field("min_ms") + 0; mx = field("max_ms") + 0
      if (!((side, key) in lo) || mn < lo[side, key]) lo[side, key] = mn
      if (!((side, key) in hi) || mx > hi[side, key]) hi[side, key] = mx }
    function median(list,   a, k, i, j, tmp) {
        k = split(list, a, " ")
        for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { tmp = a[i]; a[i] = a[j]; a[j] = tmp }
        return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    END {
        print "| config | threads | minitape ms/step median (min–max) | PyTorch ms/step median (min–max) | minitape tok/s | PyTorch tok/s | PyTorch ÷ minitape time | minitape MB allocated/step | peak RSS MB minitape / PyTorch | sampling tok/s minitape / PyTorch |"
        print "|---|---|---|---|---|---|---|---|---|---|"
        for (i = 1; i <= n; i++) {
            key = order[i]; split(key, kt, " ")
            m = median(meds["minitape", key]); p = median(meds["pytorch", key])
            printf "| %s | %s | %.1f (%.1f–%.1f) | %.1f (%.1f–%.1f) | %.0f | %.0f | %.2f× | %.1f | %.0f / %.0f | %.0f / %.0f |\n", \
                kt[1], kt[2], m, lo["minitape", key], hi["minitape", key], p, lo["pytorch", key], hi["pytorch", key], \
                tok[key] / (m / 1e3), tok[key] / (p / 1e3), p / m, median(alloc[key]), \
                median(rss["minitape", key]), median(rss["pytorch", key]), median(smp["minitape", key]), median(smp["pytorch", key])
        }
    }' "$out"
