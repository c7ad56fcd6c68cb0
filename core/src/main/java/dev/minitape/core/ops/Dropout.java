package dev.minitape.core.ops;

import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;

/** Inverted dropout, seeded: the same Rng state drops the same elements. */
public final class Dropout {
    private Dropout() {}

    /**
     * Zeroes each element with probability p and scales the rest by 1/(1 − p), so the expectation is
     * unchanged: y = x·m, m ∈ {0, 1/(1 − p)}      dx += dy·m. p = 0 returns x itself.
     */
    public static Tensor dropout(Tensor x, float p, Rng rng) {
        if (!(p >= 0f && p <= 1f)) throw new IllegalArgumentException("dropout: p must be in [0, 1], got " + p);
        if (p == 0f) return x;
        float keep = p == 1f ? 0f : 1f / (1f - p);
        float[] xs = x.data(), y = Tape.outputBuffer(xs.length, x), m = Tape.outputBuffer(xs.length, x);
        for (int i = 0; i < y.length; i++) {
            m[i] = rng.nextFloat() < p ? 0f : keep;
            y[i] = xs[i] * m[i];
        }
        return Tape.record("dropout", new Tensor(y, x.shape()), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) dx[i] += dy[i] * m[i];
        }, x);
    }
}
