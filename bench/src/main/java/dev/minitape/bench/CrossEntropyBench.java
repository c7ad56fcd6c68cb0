package dev.minitape.bench;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.core.kernels.Parallel;
import java.util.concurrent.TimeUnit;
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
 * {@code F.cross_entropy} forward + backward at (4096, V): under a Tape, logits.requiresGrad(true), then
 * {@code loss.backward()}. The logits tensor is allocated once per trial (normal samples, seed 42) with random
 * targets (seed 7); its gradient buffer is allocated by the first backward and then accumulated into, as a
 * training step does between zeroGrad calls (zeroing is not timed). The PyTorch side sets
 * {@code logits.grad = None} instead, its cheapest equivalent (bench/pytorch/crossentropy.py).
 * <pre>
 *   java -Xmx8g -jar bench/target/benchmarks.jar CrossEntropyBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms8g", "-Xmx8g"})
@State(Scope.Benchmark)
public class CrossEntropyBench {
    @Param({"65", "4096", "32768"})
    public int v;

    @Param({"1", "2"})
    public int threads;

    /** The logits' standard deviation: 1 keeps every row narrow (Exp's fast path), 4 takes the general path. */
    @Param({"1"})
    public double sigma;

    public int n = 4096;

    Tensor logits;
    int[] targets;
    final CrossEntropy ce = CrossEntropy.builder().build();

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        logits = CrossEntropyTiming.logits(n, v, sigma, 42).requiresGrad(true);
        targets = CrossEntropyTiming.targets(n, v, 7);
    }

    @Benchmark
    public float forwardBackward() {
        try (Tape tape = Tape.start()) {
            Tensor loss = ce.apply(logits, targets);
            loss.backward();
            return loss.item();
        }
    }
}
