package dev.minitape.bench;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.core.kernels.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Wall-clock timing of cross-entropy forward + backward at (N, V), the same work as {@link CrossEntropyBench}
 * and bench/pytorch/crossentropy.py, printed in the same format so bench/crossentropy-vs-pytorch.sh can set
 * them side by side:
 * <pre>
 *   java -Xms8g -Xmx8g -cp bench/target/benchmarks.jar dev.minitape.bench.CrossEntropyTiming \
 *       --n 4096 --v 32768 --threads 2 --warmup 5 --repeat 15 [--sigma 1] [--logits intermediate|leaf|accumulate]
 *   → minitape v=32768 n=4096 threads=2 sigma=1.0 repeat=15 median_ms=... min_ms=... max_ms=... loss=... logits=...
 * </pre>
 * The logits (normal samples, standard deviation sigma) and targets are seeded. Each step's logits start
 * without a gradient, as the PyTorch script's after {@code logits.grad = None}, so the backward hands the
 * forward's gradient over. Each step runs on a reusing tape (Tape.startReusingBuffers), as a training step does:
 * the tape lends the n×V gradient buffer. How the logits are made decides what happens to that buffer next:
 * <ul>
 *   <li>intermediate (default): the output of a recorded op, as a model's head makes them (its backward, here
 *       empty, would consume the gradient); the tape takes the buffer back and lends it again next step;</li>
 *   <li>leaf: a fresh leaf tensor over the same values each step; it keeps the buffer, so every step allocates
 *       (and the JVM zeroes) a new n×V array;</li>
 *   <li>accumulate: one leaf whose gradient buffer, allocated by the first step, is added into afterwards.</li>
 * </ul>
 * main_thread_cpu_median_ms is the
 * CPU time of the calling thread (all of the work when threads = 1), less sensitive than wall time to other
 * processes on a shared machine. Rows whose logits span less than
 * about 10.4 (sigma = 1 at V = 32768 spans about 9) let Exp skip its high-bit pass; sigma = 4 shows the general
 * path, which rows of a trained language model take.
 */
public final class CrossEntropyTiming {
    private CrossEntropyTiming() {}

    public static void main(String[] args) {
        int n = 4096, v = 32768, threads = Parallel.threads(), warmup = 5, repeat = 15;
        double sigma = 1;
        String mode = "intermediate";
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(value);
                case "--v" -> v = Integer.parseInt(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--repeat" -> repeat = Integer.parseInt(value);
                case "--sigma" -> sigma = Double.parseDouble(value);
                case "--logits" -> mode = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (expected --n, --v, --threads, --warmup, --repeat, --sigma, --logits)");
            }
        }
        Parallel.setThreads(threads);
        Supplier<Tensor> logits = logitsSource(mode, logits(n, v, sigma, 42));
        int[] targets = targets(n, v, 7);
        CrossEntropy ce = CrossEntropy.builder().build();
        float loss = 0;
        // at least `warmup` steps and 3 s, so C2 has compiled the kernels even when a step takes a millisecond
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < warmup || System.nanoTime() < warmEnd; i++) loss = step(ce, logits, targets);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        double[] ms = new double[repeat], cpuMs = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long c0 = cpu.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            loss = step(ce, logits, targets);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            cpuMs[i] = (cpu.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf("minitape v=%d n=%d threads=%d sigma=%s repeat=%d median_ms=%.3f min_ms=%.3f max_ms=%.3f "
                        + "main_thread_cpu_median_ms=%.3f loss=%.6f logits=%s%n",
                v, n, threads, sigma, repeat, median(ms), ms[0], ms[repeat - 1], median(cpuMs), loss, mode);
    }

    /**
     * Each call's logits over z's values, made as {@code mode} says (see the class comment): "intermediate",
     * "leaf" or "accumulate". Call it inside the step's tape (an intermediate is the output of a recorded op).
     */
    static Supplier<Tensor> logitsSource(String mode, Tensor z) {
        int[] shape = z.shape();
        Tensor source = new Tensor(new float[1], 1).requiresGrad(true);
        return switch (mode) {
            case "intermediate" -> () -> Tape.record("logits", new Tensor(z.data(), shape), dy -> {}, source);
            case "leaf" -> () -> new Tensor(z.data(), shape).requiresGrad(true);
            case "accumulate" -> () -> z.requiresGrad(true);
            default -> throw new IllegalArgumentException("--logits " + mode + ": expected intermediate, leaf or accumulate");
        };
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int k = s.length;
        return k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
    }

    static float step(CrossEntropy ce, Supplier<Tensor> logits, int[] targets) {
        try (Tape tape = Tape.startReusingBuffers()) {
            Tensor loss = ce.apply(logits.get(), targets);
            loss.backward();
            return loss.item();
        }
    }

    /** Normal logits (N, V) with standard deviation sigma, from a seeded generator. */
    static Tensor logits(int n, int v, double sigma, long seed) {
        Random rnd = new Random(seed);
        float[] z = new float[n * v];
        for (int i = 0; i < z.length; i++) z[i] = (float) (sigma * rnd.nextGaussian());
        return new Tensor(z, n, v);
    }

    /** N class indices uniform in [0, V). */
    static int[] targets(int n, int v, long seed) {
        Random rnd = new Random(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rnd.nextInt(v);
        return y;
    }
}
