package dev.minitape.bench;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.core.kernels.Parallel;
import dev.minitape.lm.model.Gpt;
import dev.minitape.lm.model.GptConfig;
import dev.minitape.lm.sample.Sampler;
import dev.minitape.lm.sample.SamplingOptions;
import dev.minitape.nn.optim.AdamW;
import dev.minitape.nn.optim.ParamGroup;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The GPT training step (forward, cross-entropy, backward, AdamW) at issue 7's sizes, timed the way
 * bench/pytorch/gpt_step.py times PyTorch's, printed in the same one-line format so bench/step-vs-pytorch.sh can
 * set the two side by side:
 * <pre>
 *   java -Xms2g -Xmx2g -cp bench/target/benchmarks.jar dev.minitape.bench.GptStepTiming --config M --threads 2
 *   → minitape config=M threads=2 tokens_per_step=2048 median_ms=... min_ms=... max_ms=... tokens_per_s=...
 *     alloc_mb_per_step=... peak_rss_mb=... sample_tokens_per_s=... loss=...
 * </pre>
 * Configurations (no dropout; vocabulary 65 but for GPT2): S 2 layers, 4 heads, 64 channels, block 64, batch 32; M 4, 4, 128,
 * block 128, batch 16; L 6, 6, 384, block 256, batch 8; GPT2 (GPT-2 small's shape) 12, 12, 768, vocabulary 50257,
 * block 64, batch 4. Batches are uniform random tokens from a seeded Rng.
 * Warm-up runs at least {@code --warmup} steps and 3 s (C2 compilation). alloc_mb_per_step is the heap allocated
 * by all threads per timed step (HotSpot's per-thread counters); peak_rss_mb is the process's VmHWM after the
 * steps. Sampling: {@code --sample} tokens one at a time after a one-token prompt with the key/value cache, batch
 * 1, greedy, reported as tokens per second (at most block-size tokens, so the cache never slides).
 */
public final class GptStepTiming {
    private GptStepTiming() {}

    static GptConfig config(String name) {
        return switch (name) {
            case "S" -> new GptConfig(65, 64, 2, 4, 64, 0f);
            case "M" -> new GptConfig(65, 128, 4, 4, 128, 0f);
            case "L" -> new GptConfig(65, 256, 6, 6, 384, 0f);
            case "GPT2" -> new GptConfig(50257, 64, 12, 12, 768, 0f);
            default -> throw new IllegalArgumentException("--config must be S, M, L or GPT2, not " + name);
        };
    }

    static int batchSize(String name) {
        return switch (name) {
            case "S" -> 32;
            case "M" -> 16;
            case "L" -> 8;
            default -> 4;
        };
    }

    public static void main(String[] args) throws IOException {
        String name = "M";
        int threads = Parallel.threads(), warmup = 5, repeat = 20, sample = 0;
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--config" -> name = value;
                case "--threads" -> threads = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--repeat" -> repeat = Integer.parseInt(value);
                case "--sample" -> sample = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (expected --config, --threads, --warmup, --repeat, --sample)");
            }
        }
        Parallel.setThreads(threads);
        GptConfig config = config(name);
        int b = batchSize(name), t = config.blockSize();
        Gpt model = new Gpt(config, new Rng(1337));
        model.train();
        AdamW optimizer = AdamW.builder().lr(1e-3).betas(0.9, 0.99).weightDecay(0.1)
                .build(ParamGroup.decayAndNoDecay(model.namedParameters(), 0.1));
        CrossEntropy ce = CrossEntropy.builder().build();
        Rng data = new Rng(7);
        int[] x = new int[b * t], y = new int[b * t];

        float loss = 0;
        long warmEnd = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < warmup || System.nanoTime() < warmEnd; i++) loss = step(model, optimizer, ce, data, x, y, b, t);
        double[] ms = new double[repeat];
        long allocated = allocatedBytes();
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            loss = step(model, optimizer, ce, data, x, y, b, t);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        double allocMb = (allocatedBytes() - allocated) / (double) repeat / (1 << 20);
        double sampleRate = sample > 0 ? sampleTokensPerSecond(model, Math.min(sample, t - 1)) : 0;
        Arrays.sort(ms);
        double median = CrossEntropyTiming.median(ms);
        System.out.printf("minitape config=%s threads=%d tokens_per_step=%d median_ms=%.2f min_ms=%.2f max_ms=%.2f "
                        + "tokens_per_s=%.0f alloc_mb_per_step=%.2f peak_rss_mb=%.0f sample_tokens_per_s=%.0f loss=%.4f%n",
                name, threads, b * t, median, ms[0], ms[repeat - 1], b * t / (median / 1e3), allocMb, peakRssMb(),
                sampleRate, loss);
    }

    /** One training step on fresh random tokens: y is x shifted by one, as a language model's targets are. */
    static float step(Gpt model, AdamW optimizer, CrossEntropy ce, Rng data, int[] x, int[] y, int b, int t) {
        int v = model.vocabSize();
        for (int i = 0; i < x.length; i++) x[i] = data.nextInt(v);
        for (int i = 0; i < y.length; i++) y[i] = (i + 1) % t == 0 ? data.nextInt(v) : x[i + 1];
        optimizer.zeroGrad();
        float loss;
        try (Tape tape = Tape.startReusingBuffers()) {
            Tensor l = ce.apply(model.forward(x, b, t), y);
            loss = l.item();
            l.backward();
        }
        optimizer.step();
        return loss;
    }

    /** Greedy generation of {@code count} tokens after a one-token prompt, once to warm up and once timed. */
    static double sampleTokensPerSecond(Gpt model, int count) {
        Sampler.generate(model, new int[] {0}, count, SamplingOptions.greedy(), new Rng(1), token -> {});
        long t0 = System.nanoTime();
        Sampler.generate(model, new int[] {0}, count, SamplingOptions.greedy(), new Rng(1), token -> {});
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    /** Heap bytes allocated so far by all live threads (the step's pool threads included). */
    static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) sum += Math.max(0, a);
        return sum;
    }

    /** The process's peak resident set (VmHWM in /proc/self/status), in MiB; 0 where /proc is absent. */
    static double peakRssMb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) return 0;
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
        return 0;
    }
}
