#!/usr/bin/env bash
# Two builds of minitape side by side in one run: GptStepTiming and CrossEntropyTiming from BEFORE (a
# benchmarks.jar kept aside from an earlier commit) and AFTER (this tree's), alternating before, after in every
# round, 2 threads, in the plain command's child JVM (--add-modules=jdk.incubator.vector -XX:+UseSerialGC -Xmn64m).
# PyTorch is not run: its time is the same for both, so before ÷ after is the change of every ratio against it.
#
#   cp bench/target/benchmarks.jar /tmp/before.jar      # at the earlier commit
#   BEFORE=/tmp/before.jar ROUNDS=3 bench/before-after.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=${BEFORE:?set BEFORE to the earlier benchmarks.jar}
AFTER=${AFTER:-bench/target/benchmarks.jar}
ROUNDS=${ROUNDS:-3}
OPTS="--add-modules=jdk.incubator.vector -XX:+UseSerialGC -Xmn64m"
bench/machine.sh
echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg); after = commit $(git rev-parse --short HEAD)"
for ((r = 1; r <= ROUNDS; r++)); do
    for c in S M; do
        for side in before after; do
            jar=$BEFORE; [[ $side == after ]] && jar=$AFTER
            echo -n "$side $c round $r: "
            java $OPTS -Xmx4g -cp "$jar" dev.minitape.bench.GptStepTiming --config $c --threads 2 --repeat 20 --sample 0 2>/dev/null | tail -1
        done
    done
    for v in 65 32768; do
        for side in before after; do
            jar=$BEFORE; [[ $side == after ]] && jar=$AFTER
            echo -n "$side CE v=$v round $r: "
            java $OPTS -XX:+AlwaysPreTouch -Xms8g -Xmx8g -cp "$jar" dev.minitape.bench.CrossEntropyTiming --n 4096 --v $v \
                --threads 2 --warmup 20 --repeat 40 2>/dev/null
        done
    done
done
echo "# load after $(cut -d' ' -f1-3 /proc/loadavg)"
