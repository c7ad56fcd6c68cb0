package dev.minitape.core.kernels.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.kernels.AttentionKernel;
import dev.minitape.core.kernels.AttentionKernel.Rows;
import dev.minitape.core.kernels.CrossEntropyKernel;
import dev.minitape.core.kernels.CrossEntropyKernel.Targets;
import dev.minitape.core.kernels.Exp;
import dev.minitape.core.kernels.KernelTier;
import dev.minitape.core.kernels.LayerNormKernel;
import dev.minitape.core.kernels.Matmul;
import dev.minitape.core.kernels.SoftmaxKernel;
import dev.minitape.core.kernels.Tanh;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each fast kernel and its reference twin, called through the same public entry point in both tiers on the
 * same seeded inputs, agree within the tolerance each test states. Unless said otherwise the comparison is
 * norm-wise, ‖fast − reference‖∞ ≤ tol·‖reference‖∞: the reference sums in double, so what is measured is the
 * fast kernel's float error, which is a few float ulps (2⁻²⁴ ≈ 6e−8) of the largest entry times the length
 * of the sums involved.
 */
class ReferenceKernelsTest {

    /** work's result on each tier: [fast, reference]; the tier the run started with is restored. */
    private static float[][] bothTiers(Function<Boolean, float[]> work) {
        String before = KernelTier.current();
        try {
            KernelTier.select("fast");
            float[] fast = work.apply(false);
            KernelTier.select("reference");
            return new float[][] {fast, work.apply(true)};
        } finally {
            KernelTier.select(before);
        }
    }

    private static void assertClose(float[][] fastAndReference, double tol, String what) {
        float[] fast = fastAndReference[0], ref = fastAndReference[1];
        assertEquals(ref.length, fast.length, what);
        double norm = 0, worst = 0;
        for (int i = 0; i < ref.length; i++) {
            norm = Math.max(norm, Math.abs(ref[i]));
            worst = Math.max(worst, Math.abs((double) fast[i] - ref[i]));
        }
        assertTrue(worst <= tol * norm, what + ": ‖fast − reference‖∞ = " + worst + " > " + tol + "·" + norm);
    }

    private static float[] gaussian(Random rnd, int n, double sd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextGaussian() * sd);
        return x;
    }

    @Test
    void theTierComesFromOneSwitchWithTwoNames() {
        String before = KernelTier.current();
        try {
            KernelTier.select("reference");
            assertTrue(KernelTier.reference());
            assertEquals("reference", KernelTier.current());
            KernelTier.select("fast");
            assertEquals("fast", KernelTier.current());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelTier.select("slow"));
            assertTrue(e.getMessage().contains("minitape.kernels") && e.getMessage().contains("reference"), e.getMessage());
        } finally {
            KernelTier.select(before);
        }
    }

    /**
     * Element by element, within the dot product's classical error bound: a float sum of k products, each
     * rounded (here fused) once, is off by at most γ_k·Σ_p |a_ip·b_pj| with γ_k = k·u/(1 − k·u), u = 2⁻²⁴,
     * plus the rounding of the initial c into the sum (u·|c|). Both batched entries and all three layouts.
     */
    @Test
    void matmulAgreesWithTheTripleLoopWithinTheDotProductBound() {
        Random rnd = new Random(15);
        int[][] shapes = {{1, 1, 1}, {3, 7, 5}, {17, 33, 9}, {5, 300, 65}, {70, 40, 3}};
        for (int[] shape : shapes) {
            int m = shape[0], k = shape[1], n = shape[2];
            float[] a = gaussian(rnd, 2 * m * k, 1), b = gaussian(rnd, 2 * k * n, 1), c0 = gaussian(rnd, 2 * m * n, 1);
            int[] aOff = {0, m * k}, bOff = {0, k * n}, cOff = {m * n, 0};           // the outputs in swapped order
            for (String layout : new String[] {"nn", "nt", "tn"}) {
                float[][] both = bothTiers(reference -> {
                    float[] c = c0.clone();
                    switch (layout) {
                        case "nn" -> Matmul.nn(c, cOff, a, aOff, b, bOff, m, k, n);
                        case "nt" -> Matmul.nt(c, cOff, a, aOff, b, bOff, m, k, n);
                        default -> Matmul.tn(c, cOff, a, aOff, b, bOff, m, k, n);
                    }
                    return c;
                });
                float[] absA = abs(a), absB = abs(b), magnitude = new float[c0.length];
                KernelTier.select("reference");
                try {
                    switch (layout) {
                        case "nn" -> Matmul.nn(magnitude, cOff, absA, aOff, absB, bOff, m, k, n);
                        case "nt" -> Matmul.nt(magnitude, cOff, absA, aOff, absB, bOff, m, k, n);
                        default -> Matmul.tn(magnitude, cOff, absA, aOff, absB, bOff, m, k, n);
                    }
                } finally {
                    KernelTier.select("fast");
                }
                double u = 0x1p-24, gamma = k * u / (1 - k * u);
                for (int i = 0; i < c0.length; i++) {
                    double bound = gamma * magnitude[i] + u * Math.abs(c0[i]) + u * Math.abs(both[1][i]);
                    assertTrue(Math.abs(both[0][i] - both[1][i]) <= bound,
                            layout + " " + Arrays.toString(shape) + " at " + i + ": " + both[0][i] + " vs " + both[1][i]);
                }
            }
            float[][] overwrite = bothTiers(reference -> {
                float[] c = c0.clone();
                Matmul.nnOverwrite(c, 0, a, 0, b, 0, m, k, n);
                return c;
            });
            assertClose(overwrite, 2 * k * 0x1p-24 * 4, "nnOverwrite " + Arrays.toString(shape));   // |a·b| ≲ 4·‖c‖ at these sizes
        }
    }

    private static float[] abs(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.abs(x[i]);
        return y;
    }

    /**
     * Exponentials element by element, relative: Exp is within 7.5e−8 of e^t (its class comment; ExpTest
     * sweeps it), the reference's double rounds once to float (≤ 3e−8): 2e−7 covers both with a margin. The
     * arguments are floats with shift 0, so both tiers exponentiate the same t, and stay above −87 (Exp flushes
     * what would be subnormal). The sum: Exp's Kahan float lanes add a few ulps more, so 4e−7.
     */
    @Test
    void exponentialsAgreeWithMathExp() {
        Random rnd = new Random(2);
        for (int len : new int[] {1, 7, 513, 9000}) {
            float[] x = new float[len];
            for (int i = 0; i < len; i++) x[i] = (float) (-87 * rnd.nextDouble());
            double[] sums = new double[2];
            float[][] both = bothTiers(reference -> {
                float[] y = new float[len];
                sums[reference ? 1 : 0] = Exp.expShifted(y, x, 0, len, 0f);
                return y;
            });
            for (int i = 0; i < len; i++) {
                assertEquals(both[1][i], both[0][i], 2e-7 * both[1][i], "e^" + x[i]);
            }
            assertEquals(sums[1], sums[0], 4e-7 * sums[1], "Σ e^x, len " + len);
        }
    }

    /** tanh: the fast one's absolute error is a few float ulps of 1 (Tanh's comment): 3e−7 ≈ 5 ulps, absolute. */
    @Test
    void tanhAgreesWithMathTanh() {
        float[] u = gaussian(new Random(3), 4099, 3);
        float[][] both = bothTiers(reference -> {
            float[] t = new float[u.length];
            Tanh.apply(t, u, u.length);
            return t;
        });
        for (int i = 0; i < u.length; i++) assertEquals(both[1][i], both[0][i], 3e-7, "tanh " + u[i]);
    }

    /**
     * Softmax rows along the last and a middle dim: outputs are probabilities or log-probabilities of size
     * about 1..10, each a handful of float operations from the double sum: 1e−6 (≈ 16 ulps of the largest).
     */
    @Test
    void softmaxAndLogSoftmaxAgreeForwardAndBackward() {
        Random rnd = new Random(4);
        int[][] shapes = {{1, 1, 1}, {3, 17, 1}, {2, 5, 3}, {4, 129, 2}};
        for (int[] s : shapes) {
            int outer = s[0], len = s[1], inner = s[2], size = outer * len * inner;
            float[] x = gaussian(rnd, size, 3), dy = gaussian(rnd, size, 1), dx0 = gaussian(rnd, size, 1);
            for (boolean log : new boolean[] {false, true}) {
                float[][] y = bothTiers(reference -> {
                    float[] out = new float[size];
                    SoftmaxKernel.forward(out, x, outer, len, inner, log);
                    return out;
                });
                assertClose(y, 1e-6, (log ? "log-softmax " : "softmax ") + Arrays.toString(s));
                float[][] dx = bothTiers(reference -> {
                    float[] grad = dx0.clone();
                    SoftmaxKernel.backward(grad, dy, y[1], outer, len, inner, log);
                    return grad;
                });
                assertClose(dx, 1e-6, (log ? "log-softmax" : "softmax") + " backward " + Arrays.toString(s));
            }
        }
    }

    /**
     * Layer norm of rows shifted away from 0 (x − μ cancels some digits): x̂ is of size up to ~4, each entry a
     * few float roundings of μ, σ⁻¹ and x − μ from the double value, the gradient's means sums of c terms;
     * 1e−5 of the largest entry leaves about 10× room over the ~16 ulps that adds up to.
     */
    @Test
    void layerNormAgreesForwardAndBackward() {
        Random rnd = new Random(5);
        for (int[] s : new int[][] {{1, 1}, {3, 7}, {5, 64}, {2, 1023}}) {
            int n = s[0], c = s[1];
            float[] x = gaussian(rnd, n * c, 2), gamma = gaussian(rnd, c, 1), beta = gaussian(rnd, c, 1);
            for (int i = 0; i < x.length; i++) x[i] += 3f;
            float[] dy = gaussian(rnd, n * c, 1);
            float[][] stats = new float[4][];
            float[][] y = bothTiers(reference -> {
                float[] out = new float[n * c], mean = new float[n], rstd = new float[n];
                LayerNormKernel.forward(out, mean, rstd, x, gamma, beta, n, c, 1e-5f);
                stats[reference ? 2 : 0] = mean;
                stats[reference ? 3 : 1] = rstd;
                return out;
            });
            assertClose(y, 1e-5, "layer norm " + Arrays.toString(s));
            assertClose(new float[][] {stats[0], stats[2]}, 1e-6, "mean " + Arrays.toString(s));
            assertClose(new float[][] {stats[1], stats[3]}, 1e-6, "rstd " + Arrays.toString(s));
            float[][] grads = bothTiers(reference -> {
                float[] dx = new float[n * c], dgamma = new float[c], dbeta = new float[c];
                LayerNormKernel.backward(dx, dgamma, dbeta, dy, x, stats[2], stats[3], gamma, n, c);
                return concat(dx, dgamma, dbeta);
            });
            assertClose(grads, 1e-5, "layer norm backward " + Arrays.toString(s));
        }
    }

    /**
     * Attention with and without the causal mask, with a past, with padded keys (one query seeing none): the
     * fast kernel's products are float sums over hd and S ≤ 13 terms and its exponentials Exp's, so its
     * outputs and gradients (of size ~1) are a few tens of ulps off the double composite: 1e−5.
     */
    @Test
    void attentionAgreesWithItsComposite() {
        Random rnd = new Random(6);
        int batch = 2, heads = 3, hd = 5, c = heads * hd;
        for (int[] ts : new int[][] {{1, 1, 0}, {7, 7, 0}, {4, 13, 9}}) {
            int t = ts[0], s = ts[1], past = ts[2];
            for (boolean causal : new boolean[] {true, false}) {
                for (boolean padded : new boolean[] {false, true}) {
                    float[] qkv = gaussian(rnd, batch * s * 3 * c, 1), qs = gaussian(rnd, batch * t * c, 1);
                    float[] dy = gaussian(rnd, batch * t * c, 1);
                    float[] pad = padded ? new float[batch * s] : null;
                    if (padded) Arrays.fill(pad, 0, s, 1f);                      // batch entry 0 sees no key
                    if (padded && s > 2) pad[s + 1] = 1f;
                    Rows q = new Rows(qs, 0, c), k = new Rows(qkv, c, 3 * c), v = new Rows(qkv, 2 * c, 3 * c);
                    String what = "attention t " + t + " s " + s + " past " + past + (causal ? " causal" : "") + (padded ? " padded" : "");
                    float[][] p = new float[2][];
                    float[][] y = bothTiers(reference -> {
                        float[] out = new float[batch * t * c], probs = new float[batch * heads * t * s];
                        AttentionKernel.forward(out, probs, q, k, v, batch, t, s, heads, hd, past, causal, pad, 0.4f);
                        p[reference ? 1 : 0] = probs;
                        return out;
                    });
                    assertClose(y, 1e-5, what);
                    assertClose(p, 1e-5, what + ", P");
                    float[][] grads = bothTiers(reference -> {
                        float[] dq = new float[qs.length], dkv = new float[qkv.length];
                        AttentionKernel.backward(new Rows(dq, 0, c), new Rows(dkv, c, 3 * c), new Rows(dkv, 2 * c, 3 * c), dy,
                                p[1], q, k, v, batch, t, s, heads, hd, past, causal, 0.4f);
                        return concat(dq, dkv);
                    });
                    assertClose(grads, 1e-5, what + ", backward");
                }
            }
        }
    }

    /**
     * Cross-entropy over short (≤ 128) and long rows, with ignored rows, smoothing, class weights, soft
     * targets and z-loss; forward with the gradient kept, backward recomputing it, and rows (g in place of z).
     * The loss is A·lse − Σ a·z with lse in double: 1e−6 of the largest loss. The gradient's entries are
     * s·(coef·e − a) with e within 1.3 ulps and coef rounded once: 1e−6 of the largest entry (≈ 16 ulps).
     */
    @Test
    void crossEntropyAgreesWithTheFormula() {
        Random rnd = new Random(7);
        int n = 9;
        for (int v : new int[] {3, 65, 129, 1000}) {
            float[] z = gaussian(rnd, n * v, 4), weights = new float[v], soft = new float[n * v];
            for (int j = 0; j < v; j++) weights[j] = 0.5f + rnd.nextFloat();
            for (int r = 0; r < n; r++) {
                float total = 0;
                for (int j = 0; j < v; j++) total += soft[r * v + j] = rnd.nextFloat();
                for (int j = 0; j < v; j++) soft[r * v + j] /= total;
            }
            int[] y = new int[n];
            for (int r = 0; r < n; r++) y[r] = r % 4 == 1 ? -100 : rnd.nextInt(v);   // rows 1 and 5 ignored
            float[] scale = new float[n];
            for (int r = 0; r < n; r++) scale[r] = y[r] == -100 ? 0f : 1f / 7;
            Targets[] cases = {
                new Targets(y, null, null, 0f, -100, 0f),
                new Targets(y, null, null, 0.1f, -100, 0f),
                new Targets(y, null, weights, 0f, -100, 1e-3f),
                new Targets(y, null, weights, 0.2f, -100, 0f),
                new Targets(null, soft, null, 0f, -100, 0f),
                new Targets(null, soft, weights, 0.1f, -100, 1e-3f),
            };
            for (int ci = 0; ci < cases.length; ci++) {
                Targets t = cases[ci];
                String what = "cross-entropy v " + v + " case " + ci;
                float[][] loss = new float[2][], lse = new float[2][];
                float[][] g = bothTiers(reference -> {
                    float[] l = new float[n], s = new float[n], grad = new float[n * v];
                    float[] max = new float[n], min = new float[n], coef = new float[n];
                    int[] argmax = new int[n];
                    CrossEntropyKernel.forward(l, s, argmax, max, min, coef, z, t, scale, n, v, grad);
                    loss[reference ? 1 : 0] = l;
                    lse[reference ? 1 : 0] = s;
                    return grad;
                });
                assertClose(loss, 1e-6, what + ", loss");
                assertClose(lse, 1e-6, what + ", lse");
                assertClose(g, 1e-6, what + ", gradient");
                for (int r : new int[] {1, 5}) {
                    if (t.targets() == null) continue;
                    assertEquals(0f, loss[1][r], what + ", ignored row's loss");
                    for (int j = 0; j < v; j++) assertEquals(0f, g[1][r * v + j], what + ", ignored row's gradient");
                }
                float[] dy = gaussian(rnd, n, 1), dz0 = gaussian(rnd, n * v, 1);
                float[][] recomputed = bothTiers(reference -> {
                    float[] l = new float[n], s = new float[n], max = new float[n], min = new float[n], coef = new float[n];
                    CrossEntropyKernel.forward(l, s, new int[n], max, min, coef, z, t, scale, n, v, null);
                    float[] dz = dz0.clone();
                    CrossEntropyKernel.backward(dz, dy, true, z, t, scale, max, min, coef, n, v, null);
                    for (int i = 0; i < dz.length; i++) dz[i] -= dz0[i];             // only what backward added
                    return dz;
                });
                assertClose(recomputed, 1e-6, what + ", backward recomputing g");
                float[][] inPlace = bothTiers(reference -> {
                    float[] zg = z.clone();
                    CrossEntropyKernel.rows(new float[n], new float[n], new int[n], zg, zg, t, scale, n, v);
                    return zg;
                });
                assertClose(inPlace, 1e-6, what + ", rows with g in place of z");
            }
        }
    }

    /** Under the reference tier an entry point's result is its twin's, bit for bit: the twin itself ran. */
    private static void assertTwinRan(float[] viaEntryPoint, float[] twin, String what) {
        for (int i = 0; i < twin.length; i++) {
            assertEquals(Float.floatToRawIntBits(twin[i]), Float.floatToRawIntBits(viaEntryPoint[i]), what + " [" + i + "]");
        }
    }

    @Test
    void theReferenceTierHandsEachKernelToItsTwin() {
        Random rnd = new Random(8);
        String before = KernelTier.current();
        try {
            KernelTier.select("reference");
            int outer = 3, len = 37, inner = 2, size = outer * len * inner;
            float[] x = gaussian(rnd, size, 3), dy = gaussian(rnd, size, 1);
            for (boolean log : new boolean[] {false, true}) {
                float[] y = new float[size], twin = new float[size], dx = new float[size], dxTwin = new float[size];
                SoftmaxKernel.forward(y, x, outer, len, inner, log);
                ReferenceSoftmax.forward(twin, x, outer, len, inner, log);
                assertTwinRan(y, twin, "softmax " + log);
                SoftmaxKernel.backward(dx, dy, y, outer, len, inner, log);
                ReferenceSoftmax.backward(dxTwin, dy, y, outer, len, inner, log);
                assertTwinRan(dx, dxTwin, "softmax backward " + log);
            }
            int n = 3, c = 45;
            float[] lx = gaussian(rnd, n * c, 2), gamma = gaussian(rnd, c, 1), beta = gaussian(rnd, c, 1), ldy = gaussian(rnd, n * c, 1);
            float[] y = new float[n * c], mean = new float[n], rstd = new float[n];
            float[] twin = new float[n * c], twinMean = new float[n], twinRstd = new float[n];
            LayerNormKernel.forward(y, mean, rstd, lx, gamma, beta, n, c, 1e-5f);
            ReferenceLayerNorm.forward(twin, twinMean, twinRstd, lx, gamma, beta, n, c, 1e-5f);
            assertTwinRan(concat(y, mean, rstd), concat(twin, twinMean, twinRstd), "layer norm");
            float[] dx = new float[n * c], dg = new float[c], db = new float[c];
            float[] dxTwin = new float[n * c], dgTwin = new float[c], dbTwin = new float[c];
            LayerNormKernel.backward(dx, dg, db, ldy, lx, mean, rstd, gamma, n, c);
            ReferenceLayerNorm.backward(dxTwin, dgTwin, dbTwin, ldy, lx, mean, rstd, gamma, n, c);
            assertTwinRan(concat(dx, dg, db), concat(dxTwin, dgTwin, dbTwin), "layer norm backward");
            int batch = 2, heads = 2, hd = 7, t = 9, ac = heads * hd;
            Rows q = new Rows(gaussian(rnd, batch * t * ac, 1), 0, ac), k = new Rows(gaussian(rnd, batch * t * ac, 1), 0, ac);
            Rows v = new Rows(gaussian(rnd, batch * t * ac, 1), 0, ac);
            float[] ay = new float[batch * t * ac], p = new float[batch * heads * t * t];
            float[] ayTwin = new float[ay.length], pTwin = new float[p.length];
            AttentionKernel.forward(ay, p, q, k, v, batch, t, t, heads, hd, 0, true, null, 0.3f);
            ReferenceAttention.forward(ayTwin, pTwin, q, k, v, batch, t, t, heads, hd, 0, true, null, 0.3f);
            assertTwinRan(concat(ay, p), concat(ayTwin, pTwin), "attention");
            float[] ady = gaussian(rnd, ay.length, 1), dq = new float[ay.length], dqTwin = new float[ay.length];
            AttentionKernel.backward(new Rows(dq, 0, ac), null, null, ady, p, q, k, v, batch, t, t, heads, hd, 0, true, 0.3f);
            ReferenceAttention.backward(new Rows(dqTwin, 0, ac), null, null, ady, p, q, k, v, batch, t, t, heads, hd, 0, true, 0.3f);
            assertTwinRan(dq, dqTwin, "attention backward");
            float[] u = gaussian(rnd, 100, 4), th = new float[u.length], thTwin = new float[u.length];
            Tanh.apply(th, u, u.length);
            ReferenceTanh.apply(thTwin, u, u.length);
            assertTwinRan(th, thTwin, "tanh");
        } finally {
            KernelTier.select(before);
        }
    }

    /** Layer norm without γ and β is x̂ itself, in both tiers, and so is its gradient's γ-free form. */
    @Test
    void layerNormWithoutGammaOrBetaAgrees() {
        Random rnd = new Random(9);
        int n = 4, c = 13;
        float[] x = gaussian(rnd, n * c, 2), dy = gaussian(rnd, n * c, 1);
        float[][] stats = new float[2][];
        float[][] y = bothTiers(reference -> {
            float[] out = new float[n * c], mean = new float[n], rstd = new float[n];
            LayerNormKernel.forward(out, mean, rstd, x, null, null, n, c, 1e-5f);
            stats[0] = mean;
            stats[1] = rstd;
            return out;
        });
        assertClose(y, 1e-5, "layer norm without γ, β");
        for (int r = 0; r < n; r++) {
            double m = 0, ss = 0;
            for (int j = 0; j < c; j++) m += y[1][r * c + j] / c;
            for (int j = 0; j < c; j++) ss += (y[1][r * c + j] - m) * (y[1][r * c + j] - m) / c;
            assertEquals(0, m, 1e-6, "row " + r + " mean");
            assertEquals(1, ss, 1e-4, "row " + r + " variance");                 // ε = 1e−5 shrinks it by ~1e−5/σ²
        }
        float[][] grads = bothTiers(reference -> {
            float[] dx = new float[n * c];
            LayerNormKernel.backward(dx, null, null, dy, x, stats[0], stats[1], null, n, c);
            return dx;
        });
        assertClose(grads, 1e-5, "layer norm backward without γ");
    }

    /** A row of only −∞ (every key hidden) has probabilities 0 and a log-sum-exp of −∞, not NaN. */
    @Test
    void anAllMinusInfinityRowHasNoMassAndLogSumExpMinusInfinity() {
        double[] row = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        assertArrayEquals(new double[2], ReferenceSoftmax.probabilities(row));
        assertEquals(Double.NEGATIVE_INFINITY, ReferenceSoftmax.logSumExp(row));
        assertArrayEquals(new double[] {1, 0}, ReferenceSoftmax.probabilities(new double[] {800, -800}));
        assertEquals(800 + Math.log1p(Math.exp(-1)), ReferenceSoftmax.logSumExp(new double[] {800, 799}), 1e-12);
    }

    /**
     * A row far from 0 whose mean is not a double: the variance is the mean of squared deviations from that
     * mean, exact to double rounding (Σx² − c·μ² would lose about 2% here to the rounding of μ).
     */
    @Test
    void referenceLayerNormOfARowFarFromZero() {
        float[] x = {1e9f, 1e9f + 64, 1e9f + 192}, y = new float[3], mean = new float[1], rstd = new float[1];
        ReferenceLayerNorm.forward(y, mean, rstd, x, null, null, 1, 3, 0f);
        double mu = (3e9 + 256) / 3, d0 = -256.0 / 3, d1 = -64.0 / 3, d2 = 320.0 / 3;
        double var = (d0 * d0 + d1 * d1 + d2 * d2) / 3;
        assertEquals((float) mu, mean[0]);
        assertEquals(1 / Math.sqrt(var), rstd[0], 1e-7 / Math.sqrt(var));
        assertArrayEquals(new float[] {(float) (d0 / Math.sqrt(var)), (float) (d1 / Math.sqrt(var)), (float) (d2 / Math.sqrt(var))}, y, 1e-6f);
    }

    /** No keys (S = 0): nothing to attend to, so Y and every gradient stay 0, in both tiers. */
    @Test
    void attentionOverNoKeysLeavesZeros() {
        int batch = 2, heads = 2, hd = 3, t = 2, c = heads * hd;
        float[] qs = gaussian(new Random(10), batch * t * c, 1), dy = gaussian(new Random(11), batch * t * c, 1);
        float[][] both = bothTiers(reference -> {
            float[] y = new float[batch * t * c], dq = new float[y.length];
            Rows q = new Rows(qs, 0, c), none = new Rows(new float[0], 0, c);
            AttentionKernel.forward(y, new float[0], q, none, none, batch, t, 0, heads, hd, 0, false, null, 0.5f);
            AttentionKernel.backward(new Rows(dq, 0, c), none, none, dy, new float[0], q, none, none, batch, t, 0, heads, hd, 0,
                    false, 0.5f);
            return concat(y, dq);
        });
        assertArrayEquals(new float[2 * batch * t * c], both[0]);
        assertArrayEquals(new float[2 * batch * t * c], both[1]);
    }

    @Test
    void referenceExpSubtractsItsShift() {
        float[] x = {3f, 1f}, y = new float[2];
        double sum = ReferenceExp.expShifted(y, x, 0, 2, 3f);
        assertArrayEquals(new float[] {1f, (float) Math.exp(-2)}, y);
        assertEquals(1 + Math.exp(-2), sum, 1e-15);
    }

    /** Heads of width 0: every score is 0, so each query spreads its weight evenly over the keys it sees. */
    @Test
    void attentionHeadsOfWidthZeroWeighKeysEvenly() {
        int batch = 1, heads = 2, t = 2, s = 3;
        float[][] p = bothTiers(reference -> {
            float[] y = new float[0], probs = new float[batch * heads * t * s];
            AttentionKernel.forward(y, probs, new Rows(new float[0], 0, 0), new Rows(new float[0], 0, 0),
                    new Rows(new float[0], 0, 0), batch, t, s, heads, 0, 1, true, null, 1f);
            return probs;
        });
        float h = 1f / 2, th = 1f / 3;
        float[] expected = {h, h, 0, th, th, th, h, h, 0, th, th, th};
        assertArrayEquals(expected, p[0], 1e-6f);
        assertArrayEquals(expected, p[1], 1e-7f);
    }

    private static float[] concat(float[]... parts) {
        float[] all = new float[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
