package dev.minitape.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.kernels.CrossEntropyKernel.Targets;
import dev.minitape.core.kernels.reference.ReferenceCrossEntropy;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused kernel on the rows it treats specially (a row of −∞, the max at index 0, narrow, medium and wide
 * spans for Exp's paths, a −∞ logit, ties, an ignored row holding NaN, logits so low that the z-loss makes the
 * coefficient negative, targets at block starts) for row lengths around the short-row threshold (128), the Exp
 * block (512, 1024 from 8192) and not a multiple of a vector, with every kind of target. Checked:
 * forward against the formula in double; rows and the forward's g the same bits; backward, from the kept g
 * and recomputed, bit for bit dz + d·g (rows with d = 0 untouched), in the plain kernels, the Vector API ones
 * and the reference tier.
 */
class CrossEntropyKernelEdgeTest {

    private static final int N = 12, IGNORE = -100;
    private static final int[] LENGTHS = {2, 5, 100, 128, 129, 300, 513, 8195};

    private record Case(String name, int v, float[] z, Targets t, float[] scale) {}

    @Test
    void theFastKernelsOnEdgeRows() {
        String before = KernelTier.current();
        try {
            KernelTier.select("fast");
            for (int v : LENGTHS) {
                for (Case c : cases(v)) {
                    Result vector = forward(c);
                    Result plain = PlainKernels.compute(() -> forward(c));
                    checkAgainstFormula(c, vector);
                    vector.assertSameBits(plain, c.name + ", plain and vector");
                    checkRowsAndBackward(c, vector, false);
                    PlainKernels.run(() -> checkRowsAndBackward(c, plain, false));
                }
            }
        } finally {
            KernelTier.select(before);
        }
    }

    @Test
    void theReferenceTierOnEdgeRows() {
        String before = KernelTier.current();
        try {
            KernelTier.select("reference");
            for (int v : new int[] {5, 129}) {
                for (Case c : cases(v)) {
                    Result r = forward(c);
                    checkAgainstFormula(c, r);
                    // the public entry point hands the call to the twin
                    float[] loss = new float[N], lse = new float[N], g = new float[N * c.v];
                    int[] argmax = new int[N];
                    ReferenceCrossEntropy.forward(loss, lse, argmax, g, c.z, c.t, c.scale, N, c.v);
                    assertArrayEquals(loss, r.loss, c.name);
                    assertArrayEquals(lse, r.lse, c.name);
                    assertArrayEquals(argmax, r.argmax, c.name);
                    assertArrayEquals(g, r.g, c.name);
                    checkRowsAndBackward(c, r, true);
                }
            }
        } finally {
            KernelTier.select(before);
        }
    }

    /** The forward sweep's outputs; the buffers start as garbage, so every one must be written. */
    private record Result(float[] loss, float[] lse, int[] argmax, float[] max, float[] min, float[] coef, float[] g) {
        void assertSameBits(Result o, String what) {
            assertArrayEquals(o.loss, loss, what + ": loss");
            assertArrayEquals(o.lse, lse, what + ": lse");
            assertArrayEquals(o.argmax, argmax, what + ": argmax");
            assertArrayEquals(o.coef, coef, what + ": coef");
            assertArrayEquals(o.g, g, what + ": g");
        }
    }

    private static Result forward(Case c) {
        float[] loss = garbage(N), lse = garbage(N), max = garbage(N), min = garbage(N), coef = garbage(N);
        float[] g = garbage(N * c.v);
        int[] argmax = new int[N];
        Arrays.fill(argmax, 77);
        CrossEntropyKernel.forward(loss, lse, argmax, max, min, coef, c.z, c.t, c.scale, N, c.v, g);
        return new Result(loss, lse, argmax, max, min, coef, g);
    }

    private static float[] garbage(int n) {
        float[] x = new float[n];
        Arrays.fill(x, 7.5f);
        return x;
    }

    /** rows gives forward's g (into its own buffer and over z itself); backward adds d·g bit for bit. */
    private static void checkRowsAndBackward(Case c, Result f, boolean reference) {
        int v = c.v;
        float[] loss = new float[N], lse = new float[N], g = garbage(N * v);
        int[] argmax = new int[N];
        CrossEntropyKernel.rows(loss, lse, argmax, g, c.z, c.t, c.scale, N, v);
        assertArrayEquals(f.g, g, c.name + ": rows' g");
        float[] inPlace = c.z.clone();
        CrossEntropyKernel.rows(loss, lse, argmax, inPlace, inPlace, c.t, c.scale, N, v);
        assertArrayEquals(f.g, inPlace, c.name + ": rows' g over z");

        Random rnd = new Random(v);
        float[] dz0 = new float[N * v];
        for (int i = 0; i < dz0.length; i++) dz0[i] = (float) rnd.nextGaussian();
        if (!reference) {                                             // the fast kernels skip rows with d = 0
            for (int i = 0; i < dz0.length; i += 3) dz0[i] = -0f;      // d·g added to −0 keeps or drops the sign
            dz0[3 * v + 1] = Float.NaN;
        }
        float[] perRow = new float[N];
        for (int r = 0; r < N; r++) perRow[r] = (float) rnd.nextGaussian();
        if (!reference) perRow[9] = perRow[4] = 0f;                   // a kept row and an ignored one skipped
        perRow[8] = reference ? 2f : Float.POSITIVE_INFINITY;          // an ignored row: d·0
        for (boolean rowWise : new boolean[] {true, false}) {
            float[] dy = rowWise ? perRow : new float[] {0.375f};
            float[] want = dz0.clone();
            for (int r = 0; r < N; r++) {
                float d = rowWise ? dy[r] : dy[0];
                if (d == 0f) continue;
                for (int i = r * v; i < (r + 1) * v; i++) want[i] = dz0[i] + d * g[i];
            }
            for (boolean kept : new boolean[] {true, false}) {
                float[] dz = dz0.clone();
                CrossEntropyKernel.backward(dz, dy, rowWise, c.z, c.t, c.scale, f.max, f.min, f.coef, N, v,
                        kept ? f.g : null);
                assertArrayEquals(want, dz, c.name + ": backward " + (rowWise ? "per row" : "scalar")
                        + (kept ? " from the kept g" : " recomputing g"));
            }
        }
    }

    /** loss, lse, argmax and g against the formula in double (the kernel's class comment). */
    private static void checkAgainstFormula(Case c, Result f) {
        int v = c.v;
        Targets t = c.t;
        for (int r = 0; r < N; r++) {
            String what = c.name + ", row " + r;
            if (t.targets() != null && t.targets()[r] == IGNORE) {
                assertEquals(0f, f.loss[r], what);
                assertEquals(0f, f.lse[r], what);
                assertEquals(-1, f.argmax[r], what);
                for (int j = 0; j < v; j++) assertEquals(0f, f.g[r * v + j], what);
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            int best = 0;
            boolean nan = false;
            for (int j = 0; j < v; j++) {
                nan |= Float.isNaN(c.z[r * v + j]);
                if (c.z[r * v + j] > max) {
                    max = c.z[r * v + j];
                    best = j;
                }
            }
            assertEquals(best, f.argmax[r], what + ": argmax (the first of the largest)");
            if (max == Double.NEGATIVE_INFINITY || nan) {             // no probabilities: NaN, as in PyTorch
                assertTrue(Float.isNaN(f.loss[r]), what + ": loss " + f.loss[r]);
                continue;
            }
            double sum = 0;
            for (int j = 0; j < v; j++) sum += Math.exp(c.z[r * v + j] - max);
            double lse = max + Math.log(sum);
            double eps = t.smoothing(), mass = 0, nll = 0;
            double[] a = new double[v];
            for (int j = 0; j < v; j++) {
                double q = t.soft() != null ? t.soft()[r * v + j] : j == t.targets()[r] ? 1 : 0;
                a[j] = (t.weights() == null ? 1 : t.weights()[j]) * ((1 - eps) * q + eps / v);
                mass += a[j];
                if (a[j] != 0) nll += a[j] * (lse - c.z[r * v + j]);
            }
            double rho = t.soft() == null && t.weights() != null ? t.weights()[t.targets()[r]] : 1;
            double loss = nll + t.zLoss() * rho * lse * lse;
            assertClose(lse, f.lse[r], 1e-6 * Math.max(1, Math.abs(lse)), what + ": lse");
            assertClose(loss, f.loss[r], 2e-5 * Math.max(1, Math.abs(mass * lse) + Math.abs(loss)), what + ": loss");
            double coef = mass + 2 * t.zLoss() * rho * lse, norm = 0, worst = 0;
            for (int j = 0; j < v; j++) {
                double want = c.scale[r] * (coef * Math.exp(c.z[r * v + j] - lse) - a[j]);
                norm = Math.max(norm, Math.abs(want));
                worst = Math.max(worst, Math.abs(f.g[r * v + j] - want));
            }
            assertTrue(worst <= 1e-5 * norm, what + ": ‖g − formula‖∞ = " + worst + " of " + norm);
        }
    }

    private static void assertClose(double want, float got, double tol, String what) {
        if (Double.isNaN(want) || Double.isInfinite(want)) assertEquals((float) want, got, what);
        else assertEquals(want, got, tol, what);
    }

    /** Every kind of target on the same edge rows. */
    private static Case[] cases(int v) {
        Random rnd = new Random(1000 + v);
        float[] z = new float[N * v];
        int[] y = new int[N];
        int block = Exp.blockFor(v);
        for (int r = 0; r < N; r++) {
            int at = r * v;
            y[r] = rnd.nextInt(v);
            switch (r) {
                case 0 -> Arrays.fill(z, at, at + v, Float.NEGATIVE_INFINITY);            // nothing above −∞
                case 1 -> {                                                             // narrow, max at index 0
                    for (int j = 0; j < v; j++) z[at + j] = 3f - 6f * rnd.nextFloat();
                    z[at] = 4f;
                }
                case 2 -> {                                                             // medium span, target 0
                    for (int j = 0; j < v; j++) z[at + j] = -5f - 30f * rnd.nextFloat();
                    y[r] = 0;
                }
                case 3 -> {                                                             // wide, a −∞ logit
                    for (int j = 0; j < v; j++) z[at + j] = (float) (rnd.nextGaussian() * 20);
                    y[r] = Math.min(v - 1, block);                                      // a block start
                    z[at + (y[r] + 1) % v] = Float.NEGATIVE_INFINITY;
                }
                case 4, 8 -> {                                                          // ignored
                    for (int j = 0; j < v; j++) z[at + j] = (float) rnd.nextGaussian();
                    z[at + v / 2] = r == 4 ? Float.NaN : 1e15f;
                    y[r] = IGNORE;
                }
                case 5 -> {                                                             // ties for the max
                    for (int j = 0; j < v; j++) z[at + j] = (float) rnd.nextGaussian();
                    z[at + v - 1] = z[at + v / 2] = 9f;
                    if (v > 2) z[at + 1] = 9f;
                }
                case 6 -> {                                                             // very low: lse < 0
                    for (int j = 0; j < v; j++) z[at + j] = -60f - rnd.nextFloat();
                    z[at + v / 2] = -210f;                                              // e^−150: flushed to 0
                    y[r] = v - 1;
                }
                default -> {
                    for (int j = 0; j < v; j++) z[at + j] = (float) (rnd.nextGaussian() * 3);
                    if (r == 7) y[r] = v - 1;
                }
            }
        }
        float[] w = new float[v];
        for (int j = 0; j < v; j++) w[j] = 0.2f + 1.8f * rnd.nextFloat();
        float[] soft = new float[N * v];
        for (int r = 0; r < N; r++) {
            double total = 0;
            for (int j = 0; j < v; j++) total += soft[r * v + j] = rnd.nextFloat();
            for (int j = 0; j < v; j++) soft[r * v + j] /= (float) total;
        }
        float[] scale = new float[N], softScale = new float[N];
        for (int r = 0; r < N; r++) {
            softScale[r] = (r + 1) / (10f * N);                         // rows of different weight (SEQUENCE_MEAN)
            scale[r] = y[r] == IGNORE ? 0f : softScale[r];
        }
        return new Case[] {
            new Case("v " + v + " plain", v, z, new Targets(y, null, null, 0f, IGNORE, 0f), scale),
            new Case("v " + v + " smoothing", v, z, new Targets(y, null, null, 0.2f, IGNORE, 0f), scale),
            new Case("v " + v + " weights, z-loss", v, z, new Targets(y, null, w, 0f, IGNORE, 1f), scale),
            new Case("v " + v + " smoothing, weights, z-loss", v, z, new Targets(y, null, w, 0.1f, IGNORE, 1e-2f), scale),
            new Case("v " + v + " soft", v, z, new Targets(null, soft, null, 0f, IGNORE, 0f), softScale),
            new Case("v " + v + " soft, smoothing, weights", v, z, new Targets(null, soft, w, 0.05f, IGNORE, 1e-3f), softScale),
        };
    }
}
