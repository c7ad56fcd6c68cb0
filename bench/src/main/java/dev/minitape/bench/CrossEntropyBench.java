package dev.minitape.bench;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Tensor;
import dev.minitape.core.kernels.Parallel;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code F.cross_entropy} forward + backward at (4096, V) under a Tape, then {@code loss.backward()}: the same
 * step as {@link CrossEntropyTiming}, with logits made as {@code mode} says (default: an intermediate, as a
 * model's head makes them; see CrossEntropyTiming). The values are normal samples (seed 42), the targets
 * uniform (seed 7). The forked JVM pre-touches its heap (a warm heap, as the PyTorch script's).
 * <pre>
 *   java -jar bench/target/benchmarks.jar CrossEntropyBench -jvmArgsAppend "--add-modules jdk.incubator.vector"
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms8g", "-Xmx8g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class CrossEntropyBench {
    @Param({"65", "4096", "32768"})
    public int v;

    @Param({"1", "2"})
    public int threads;

    /** The logits' standard deviation: 1 keeps every row narrow (Exp's fast path), 4 takes the general path. */
    @Param({"1"})
    public double sigma;

    /** How the logits are made: intermediate, leaf or accumulate (CrossEntropyTiming's --logits). */
    @Param({"intermediate"})
    public String mode;

    public int n = 4096;

    Supplier<Tensor> logits;
    int[] targets;
    final CrossEntropy ce = CrossEntropy.builder().build();

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        logits = CrossEntropyTiming.logitsSource(mode, CrossEntropyTiming.logits(n, v, sigma, 42));
        targets = CrossEntropyTiming.targets(n, v, 7);
    }

    @Benchmark
    public float forwardBackward() {
        return CrossEntropyTiming.step(ce, logits, targets);
    }
}
