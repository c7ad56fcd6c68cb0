package dev.minitape.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Values and gradients where an op's cases meet: ties and NaN in max, relu at 0, dropout at p = 0, 1 and a draw of
 * exactly p, a part of concat that wants no gradient, softmax of large logits along a non-last dim, attention with
 * large scores, no keys, or run on a thread that has never attended before.
 */
class OpsEdgeValuesTest {
    private final Rng rng = new Rng(29);

    @Test
    void maxSharesItsGradientAmongTiesAndPropagatesNaN() {
        Tensor x = Tensor.of(new float[] {3, 1, 3, 2}).requiresGrad(true);
        try (Tape tape = Tape.start()) {
            x.max().mul(4f).backward();
        }
        assertArrayEquals(new float[] {2, 0, 2, 0}, x.grad().toArray());
        assertTrue(Float.isNaN(Tensor.of(new float[] {1, Float.NaN, 2}).max().item()));
    }

    @Test
    void maxAlongADimTakesTheFirstMaximumAndTheFirstNaN() {
        // rows: a tie at 0 and 2; a NaN after a larger value; two NaNs
        Tensor x = Tensor.of(new float[] {5, 1, 5, 7, Float.NaN, 1, Float.NaN, 1, Float.NaN}, 3, 3).requiresGrad(true);
        Tensor y;
        try (Tape tape = Tape.start()) {
            y = x.max(1, false);
            y.mul(Tensor.of(new float[] {1, 2, 3})).sum().backward();
        }
        assertEquals(5f, y.toArray()[0]);
        assertTrue(Float.isNaN(y.toArray()[1]) && Float.isNaN(y.toArray()[2]));
        assertArrayEquals(new float[] {1, 0, 0, 0, 2, 0, 3, 0, 0}, x.grad().toArray());
    }

    /** As PyTorch: −0 and +0 compare equal, so both are the maximum and share its gradient. */
    @Test
    void signedZerosTieForTheMaximum() {
        Tensor x = Tensor.of(new float[] {0f, -1f, -0f}).requiresGrad(true);
        try (Tape tape = Tape.start()) {
            x.max().backward();
        }
        assertArrayEquals(new float[] {0.5f, 0, 0.5f}, x.grad().toArray());
    }

    @Test
    void reluPassesNoGradientAtZero() {
        Tensor x = Tensor.of(new float[] {-1, 0, 2}).requiresGrad(true);
        try (Tape tape = Tape.start()) {
            x.relu().sum().backward();
        }
        assertArrayEquals(new float[] {0, 0, 1}, x.grad().toArray());      // PyTorch's choice at 0
    }

    @Test
    void dropoutAtTheEndsOfItsRange() {
        Tensor x = Tensor.randn(rng, 2, 3);
        assertSame(x, x.dropout(0f, rng), "p = 0 is the identity");
        assertArrayEquals(new float[6], x.dropout(1f, rng).toArray(), 0f, "p = 1 drops everything (a negative x gives −0)");
    }

    /** Each element is dropped when its draw u < p: P(drop) = p exactly; a draw of exactly p keeps it. */
    @Test
    void anElementWhoseDrawEqualsPIsKept() {
        float u = new Rng(7).nextFloat();
        Tensor y = Tensor.of(new float[] {3f}).dropout(u, new Rng(7));
        assertEquals(3f / (1f - u), y.item());
    }

    @Test
    void aConcatPartThatWantsNoGradientGetsNone() {
        Tensor a = Tensor.randn(rng, 2, 2).requiresGrad(true), b = Tensor.randn(rng, 2, 3);
        try (Tape tape = Tape.start()) {
            Tensor.concat(1, a, b).sum().backward();
        }
        assertArrayEquals(new float[] {1, 1, 1, 1}, a.grad().toArray());
        assertNull(b.grad());
    }

    @Test
    void softmaxOfLargeLogitsAlongTheFirstDimStaysFinite() {
        // columns are the rows of the softmax; each column's max is what keeps e^x finite
        Tensor x = Tensor.of(new float[] {1000, 0, 999, 2, 998, 1}, 3, 2);
        float e1 = (float) Math.exp(-1), e2 = (float) Math.exp(-2), z = 1 + e1 + e2;
        assertArrayEquals(new float[] {1 / z, e2 / z, e1 / z, 1 / z, e2 / z, e1 / z}, x.softmax(0).toArray(), 1e-6f);
        float lz = (float) Math.log(z);
        // x − shift with both near 1000: exact to a float ulp of 1000 (6.1e−5)
        assertArrayEquals(new float[] {-lz, -2 - lz, -1 - lz, -lz, -2 - lz, -1 - lz}, x.logSoftmax(0).toArray(), 6.2e-5f);
    }

    @Test
    void attentionWithLargeScoresStaysFiniteAndMatchesItsSoftmax() {
        // one head of width 1, so score_ij = q_i·k_j: row 0 weighs scores 400 and −380, row 1 scores 200 and −190
        Tensor q = Tensor.of(new float[] {20, 10}, 1, 2, 1), k = Tensor.of(new float[] {20, -19}, 1, 2, 1);
        Tensor v = Tensor.of(new float[] {1, 2}, 1, 2, 1);
        float[] y = Attention.multiHead(q, 0, k, 0, v, 0, 1, 1, false, 0, null).toArray();
        double p0 = 1 / (1 + Math.exp(-780)), p1 = 1 / (1 + Math.exp(-390));
        assertArrayEquals(new float[] {(float) (p0 + 2 * (1 - p0)), (float) (p1 + 2 * (1 - p1))}, y, 1e-6f);
    }

    /**
     * Scores 12 and 63 times −8 (a row long enough for the vectorized exponential): each −8 key's weight is
     * e^−20/(1 + 63e^−20), which the exponential must get right though the scores' min and max sum to +4.
     */
    @Test
    void attentionGivesFarLowerScoresTheirSmallWeight() {
        int s = 64;
        float[] keys = new float[s], values = new float[s];
        java.util.Arrays.fill(keys, -8f);
        java.util.Arrays.fill(values, 1f);
        keys[0] = 12f;
        values[0] = 0f;
        Tensor q = Tensor.of(new float[] {1}, 1, 1, 1), k = Tensor.of(keys, 1, s, 1), v = Tensor.of(values, 1, s, 1);
        float y = Attention.multiHead(q, 0, k, 0, v, 0, 1, 1, false, 0, null).item();
        double low = (s - 1) * Math.exp(-20);
        assertEquals(low / (1 + low), y, 1e-12);
    }

    /** Layer norm with γ and without β is x̂·γ (β = 0). */
    @Test
    void layerNormWithGammaAndNoBetaIsXhatTimesGamma() {
        Tensor x = Tensor.randn(rng, 3, 5), g = Tensor.randn(rng, 5);
        assertArrayEquals(Norm.layerNorm(x, g, Tensor.zeros(5), 1e-5f).toArray(), Norm.layerNorm(x, g, null, 1e-5f).toArray());
    }

    /** A NaN maximum: the NaNs hold it and share its gradient. */
    @Test
    void aNaNMaximumSharesItsGradientAmongTheNaNs() {
        Tensor x = Tensor.of(new float[] {Float.NaN, 1f, Float.NaN, 1f}).requiresGrad(true);
        try (Tape tape = Tape.start()) {
            x.max().backward();
        }
        assertArrayEquals(new float[] {0.5f, 0, 0.5f, 0}, x.grad().toArray());
    }

    @Test
    void attentionOverNoKeysOutputsZeroAndPassesNoGradient() {
        Tensor q = Tensor.randn(rng, 2, 3, 4).requiresGrad(true), kv = Tensor.zeros(2, 0, 8).requiresGrad(true);
        Tensor y;
        try (Tape tape = Tape.start()) {
            y = Attention.multiHead(q, 0, kv, 0, kv, 4, 2, 4, true, 0, null);
            y.sum().backward();
        }
        assertArrayEquals(new float[2 * 3 * 4], y.toArray());
        assertArrayEquals(new float[2 * 3 * 4], q.grad().toArray());
    }

    /** The kernel keeps its scratch blocks per thread; a thread's first call must size them, not assume them. */
    @Test
    void attentionOnAFreshThreadMatchesTheSameCallHere() throws InterruptedException {
        Tensor q = Tensor.randn(rng, 1, 5, 6), kv = Tensor.randn(rng, 1, 7, 12);
        Tensor pad = Tensor.of(new float[] {0, 0, 1, 0, 0, 0, 0}, 1, 7);
        float[] here = Attention.multiHead(q, 0, kv, 0, kv, 6, 1, 6, true, 2, pad).toArray();
        AtomicReference<Object> there = new AtomicReference<>();
        Thread fresh = new Thread(() -> {
            try {
                there.set(Attention.multiHead(q, 0, kv, 0, kv, 6, 1, 6, true, 2, pad).toArray());
            } catch (RuntimeException e) {
                there.set(e);
            }
        });
        fresh.start();
        fresh.join();
        assertTrue(there.get() instanceof float[], String.valueOf(there.get()));
        assertArrayEquals(here, (float[]) there.get());
    }
}
