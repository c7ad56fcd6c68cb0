package dev.minitape.bench;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;

/**
 * Time and peak heap of one cross-entropy step of a linear output layer (forward + backward), fused
 * ({@code applyLinear}) or unfused (logits = h·Wᵀ + b, then {@code apply}). Run each variant in its own JVM:
 * <pre>
 *   java -Xmx12g -cp bench/target/benchmarks.jar dev.minitape.bench.LinearCrossEntropyMemory fused [N C V repeats]
 *   java -Xmx12g -cp bench/target/benchmarks.jar dev.minitape.bench.LinearCrossEntropyMemory unfused [N C V repeats]
 * </pre>
 * It prints the bytes one step allocates (on the calling thread, where every buffer of the step is
 * allocated: an upper bound of the step's peak memory) and the heap pools' peak usage during the
 * measured steps above the live heap before them (which includes garbage not yet collected).
 */
public final class LinearCrossEntropyMemory {
    public static void main(String[] args) {
        boolean fused = args.length > 0 && args[0].equals("fused");
        int n = arg(args, 1, 8192), c = arg(args, 2, 256), v = arg(args, 3, 32768), repeats = arg(args, 4, 5);
        Rng rng = new Rng(1);
        Tensor h = Tensor.randn(rng, n, c).requiresGrad(true);
        Tensor w = Tensor.randn(rng, v, c).mul(0.05f).requiresGrad(true);
        Tensor b = Tensor.zeros(v).requiresGrad(true);
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) targets[i] = rng.nextInt(v);
        CrossEntropy ce = CrossEntropy.builder().build();

        step(fused, ce, h, w, b, targets);                         // warm-up (JIT, gradient buffers)
        System.gc();
        long baseline = heapUsed();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        double[] ms = new double[repeats];
        float loss = 0;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            loss = step(fused, ce, h, w, b, targets);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        allocated = (threads.getCurrentThreadAllocatedBytes() - allocated) / repeats;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        Arrays.sort(ms);
        System.out.printf("%s N=%d C=%d V=%d loss=%.5f  ms min %.0f median %.0f max %.0f  allocated per step %.0f MiB"
                        + "  peak heap above baseline %.0f MiB%n",
                fused ? "fused" : "unfused", n, c, v, loss, ms[0], ms[repeats / 2], ms[repeats - 1],
                allocated / 1048576.0, (peak - baseline) / 1048576.0);
    }

    private static float step(boolean fused, CrossEntropy ce, Tensor h, Tensor w, Tensor b, int[] targets) {
        h.zeroGrad();
        w.zeroGrad();
        b.zeroGrad();
        try (Tape tape = Tape.start()) {
            Tensor loss = fused ? ce.applyLinear(h, w, b, targets) : ce.apply(h.matmul(w.transpose(0, 1)).add(b), targets);
            loss.backward();
            return loss.item();
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }
}
