package dev.minitape.lm.sample;

import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.lm.model.Gpt;
import dev.minitape.lm.model.LanguageModel;
import dev.minitape.nn.KvCache;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;

/**
 * Generates tokens one at a time from a language model. A GPT keeps a key/value cache, so each new
 * token costs one incremental step; when the context fills the block size, the cache restarts from
 * the last half block. Other models re-read their last blockSize tokens each step.
 */
public final class Sampler {
    private Sampler() {}

    /**
     * Continues {@code prompt} (at least one token) by {@code count} tokens, calling {@code onToken} with
     * each as it is produced; returns the new tokens. Runs in eval mode without recording.
     */
    public static int[] generate(LanguageModel model, int[] prompt, int count, SamplingOptions options, Rng rng,
                                 IntConsumer onToken) {
        return generateWhile(model, prompt, count, options, rng, id -> {
            if (onToken != null) onToken.accept(id);
            return true;
        });
    }

    /**
     * As {@link #generate}, but ends early once {@code keepGoing} answers false for a token (that token is kept);
     * returns the tokens produced.
     */
    public static int[] generateWhile(LanguageModel model, int[] prompt, int count, SamplingOptions options, Rng rng,
                                      IntPredicate keepGoing) {
        if (prompt.length == 0) throw new IllegalArgumentException("sample: the prompt must hold at least one token");
        boolean wasTraining = model.module().isTraining();
        model.module().eval();
        int[] context = Arrays.copyOf(prompt, prompt.length + count);
        int length = prompt.length;
        int[] out = new int[count];
        int produced = 0;
        try (var off = Tape.noGrad()) {
            Gpt gpt = model instanceof Gpt g ? g : null;
            List<KvCache> caches = gpt == null ? null : gpt.newCaches();
            int cached = 0;                 // context[cacheStart .. cacheStart + cached) is in the caches
            int cacheStart = 0;
            for (boolean more = count > 0; more; ) {
                float[] logits;
                if (gpt != null) {
                    if (length - cacheStart > model.blockSize()) {
                        // The window is full: restart the cache on the last half block.
                        caches.forEach(KvCache::clear);
                        cacheStart = length - model.blockSize() / 2;
                        cached = 0;
                    }
                    int fresh = length - cacheStart - cached;
                    int[] feed = Arrays.copyOfRange(context, cacheStart + cached, length);
                    logits = lastRow(gpt.forward(feed, 1, fresh, caches));
                    cached += fresh;
                } else {
                    int from = Math.max(0, length - model.blockSize());
                    int[] window = Arrays.copyOfRange(context, from, length);
                    logits = lastRow(model.forward(window, 1, window.length));
                }
                int next = choose(logits, options, rng);
                context[length++] = next;
                out[produced++] = next;
                more = keepGoing.test(next) && produced < count;
            }
        } finally {
            if (wasTraining) model.module().train();
        }
        return Arrays.copyOf(out, produced);
    }

    private static float[] lastRow(Tensor logits) {
        int v = logits.size(-1), rows = logits.numel() / v;
        return Arrays.copyOfRange(logits.data(), (rows - 1) * v, rows * v);
    }

    /** The next token from one row of logits (see {@link SamplingOptions}). */
    public static int choose(float[] logits, SamplingOptions o, Rng rng) {
        int v = logits.length;
        if (o.temperature() == 0) return argmax(logits);
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));   // most likely first (stable)
        int keep = o.topK() > 0 ? Math.min(o.topK(), v) : v;
        double max = logits[order[0]];
        double[] p = new double[keep];
        double sum = 0;
        for (int r = 0; r < keep; r++) {
            p[r] = Math.exp((logits[order[r]] - max) / o.temperature());
            sum += p[r];
        }
        // top-p: the smallest prefix whose probability reaches topP
        if (o.topP() < 1) {
            double acc = 0;
            int cut = keep;
            for (int r = 0; r < keep; r++) {
                acc += p[r] / sum;
                if (acc >= o.topP()) {
                    cut = r + 1;
                    break;
                }
            }
            keep = cut;
            sum = 0;
            for (int r = 0; r < keep; r++) sum += p[r];
        }
        double u = rng.nextDouble() * sum;
        for (int r = 0; r < keep; r++) {
            u -= p[r];
            if (u < 0) return order[r];
        }
        return order[keep - 1];
    }

    private static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }
}
