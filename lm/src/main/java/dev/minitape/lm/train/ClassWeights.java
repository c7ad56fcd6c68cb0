package dev.minitape.lm.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One training-loss weight per token id, and how they were made ({@code method}: "balanced",
 * "effective:BETA", "file:PATH", or "given" when set from Java). Saved in a run's config.json as
 * {@code {"method": ..., "weights": [...]}}; a checkpoint written when config.json held the bare array
 * still loads (as "given").
 *
 * <p>The two weightings computed from the training tokens' counts n_c (n = Σ n_c tokens, V classes):
 * <ul>
 * <li>balanced: w_c = n / (V·n_c), so every class carries the same total weight n/V (scikit-learn's
 *     "balanced");</li>
 * <li>effective number (Cui et al. 2019): w_c ∝ (1 − β) / (1 − β^n_c), scaled so Σ_c w_c = V; β = 0 gives
 *     all 1, β → 1 approaches balanced.</li>
 * </ul>
 * A class that never occurs in the training tokens (n_c = 0, where both formulas are infinite) gets the
 * largest weight of the seen classes: it is at least as rare as the rarest seen class, so it gets at least
 * that class's weight, and no more, so the weights stay finite and their range (what the argmax-flip
 * check reads) is the seen classes' range.
 */
public record ClassWeights(String method, float[] weights) {
    public ClassWeights {
        if (method == null) throw new IllegalArgumentException("ClassWeights: the method is missing");
        if (weights == null || weights.length == 0) throw new IllegalArgumentException("ClassWeights: no weights");
        boolean positive = false;
        for (int c = 0; c < weights.length; c++) {
            if (!(weights[c] >= 0) || Float.isInfinite(weights[c])) {
                throw new IllegalArgumentException("ClassWeights: weight " + weights[c] + " of class " + c
                        + " must be a finite number >= 0");
            }
            positive |= weights[c] > 0;
        }
        if (!positive) throw new IllegalArgumentException("ClassWeights: every weight is 0 (at least one must be positive)");
        weights = weights.clone();
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    /** How many times each id in [0, vocab) occurs in {@code tokens}. */
    public static long[] count(int[] tokens, int vocab) {
        long[] counts = new long[vocab];
        for (int t : tokens) counts[t]++;
        return counts;
    }

    /** w_c = n / (V·n_c); unseen classes get the largest seen weight. */
    public static ClassWeights balanced(long[] counts) {
        long n = total(counts);
        double[] raw = new double[counts.length];
        for (int c = 0; c < counts.length; c++) raw[c] = counts[c] == 0 ? Double.NaN : (double) n / ((double) counts.length * counts[c]);
        return new ClassWeights("balanced", toFloats(unseenGetTheLargest(raw), 1));
    }

    /** w_c = (1 − β) / (1 − β^n_c), scaled so they sum to V; unseen classes get the largest seen weight. */
    public static ClassWeights effective(long[] counts, double beta) {
        if (!(beta >= 0 && beta < 1)) throw new IllegalArgumentException("ClassWeights.beta must be in [0, 1), got " + beta);
        total(counts);
        double[] raw = new double[counts.length];
        for (int c = 0; c < counts.length; c++) {
            // 1 − β^n computed as −expm1(n·ln β), exact even when β^n is close to 1
            raw[c] = counts[c] == 0 ? Double.NaN : (1 - beta) / -Math.expm1(counts[c] * Math.log(beta));
        }
        double[] w = unseenGetTheLargest(raw);
        double sum = 0;
        for (double x : w) sum += x;
        return new ClassWeights("effective:" + beta, toFloats(w, counts.length / sum));
    }

    /** Weights given by the caller, e.g. read from a file. */
    public static ClassWeights given(String method, float[] weights) {
        return new ClassWeights(method, weights);
    }

    /** config.json's "classWeights": an object {method, weights}, or (older checkpoints) a bare array of weights. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static ClassWeights fromJson(JsonNode node) {
        JsonNode list = node.isArray() ? node : node.get("weights");
        if (list == null || !list.isArray()) throw new IllegalArgumentException("ClassWeights: expected a \"weights\" array, got " + node);
        float[] w = new float[list.size()];
        for (int c = 0; c < w.length; c++) w[c] = (float) list.get(c).asDouble(Double.NaN);
        return new ClassWeights(node.isArray() ? "given" : node.path("method").asText("given"), w);
    }

    private static long total(long[] counts) {
        long n = 0;
        for (long k : counts) n += k;
        if (n == 0) throw new IllegalArgumentException("ClassWeights: no training tokens to count");
        return n;
    }

    /** raw with each NaN (an unseen class) replaced by the largest other value. */
    private static double[] unseenGetTheLargest(double[] raw) {
        double largest = 0;
        for (double x : raw) if (!Double.isNaN(x)) largest = Math.max(largest, x);
        double[] w = raw.clone();
        for (int c = 0; c < w.length; c++) if (Double.isNaN(w[c])) w[c] = largest;
        return w;
    }

    private static float[] toFloats(double[] w, double scale) {
        float[] f = new float[w.length];
        for (int c = 0; c < w.length; c++) f[c] = (float) (w[c] * scale);
        return f;
    }
}
