package dev.minitape.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vectorizable exponential: accuracy against Math.exp, edge values, sums, and independence of layout. */
class ExpTest {

    /** Max relative error allowed against Math.exp on [−87, 0]: a few float ulps (measured: 7.5e−8). */
    private static final double TOLERANCE = 4e-7;

    private static float[] exps(float[] x, float shift) {
        float[] y = new float[x.length];
        Exp.expShifted(y, x, 0, x.length, shift);
        return y;
    }

    @Test
    void matchesMathExpOnADenseSweepOfMinus87To0() {
        // every 97th float in [−87, 0]: 11 million arguments, through every exponent and mantissa pattern
        float[] x = new float[1 << 16], y = new float[1 << 16];
        double worst = 0;
        float worstAt = 0, t = 0f;
        long count = 0;
        while (t >= -87f) {
            int n = 0;
            while (n < x.length && t >= -87f) {
                x[n++] = t;
                t = Math.nextDown(t) - 96 * Math.ulp(t);
            }
            Exp.expShifted(y, x, 0, n, 0f);
            for (int i = 0; i < n; i++) {
                double want = Math.exp(x[i]);
                double err = Math.abs(y[i] - want) / want;
                if (err > worst) {
                    worst = err;
                    worstAt = x[i];
                }
            }
            count += n;
        }
        assertTrue(count > 10_000_000, "sweep size " + count);
        assertTrue(worst <= TOLERANCE, "max relative error " + worst + " at " + worstAt);
    }

    @Test
    void matchesMathExpAfterTheShift() {
        // the argument is the float x − shift, as the caller's row max makes it
        Random rnd = new Random(3);
        float[] x = new float[5000];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * 20);
        float shift = 0;
        for (float v : x) shift = Math.max(shift, v);
        float[] y = exps(x, shift);
        for (int i = 0; i < x.length; i++) {
            // the fast tier rounds x − shift to a float first, the reference takes the exact difference
            double want = KernelTier.reference() ? Math.exp((double) x[i] - shift) : Math.exp(x[i] - shift);
            if (want < 1.2e-38) continue;                             // below e^−87.3: may flush to 0
            assertEquals(want, y[i], TOLERANCE * want, "e^(" + x[i] + " − " + shift + ")");
        }
    }

    @Test
    void edgeValues() {
        float[] x = {0f, -0f, -Float.MIN_VALUE, -1e-30f, -1e-7f, -87f, -87.3f, -88f, -89f, -104f, -1e4f,
            -Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Float.NaN};
        float[] y = exps(x, 0f);
        assertEquals(1f, y[0]);                                       // exactly 1 at 0
        assertEquals(1f, y[1]);
        assertEquals(1f, y[2]);
        assertEquals(1f, y[3]);
        assertEquals((float) Math.exp(-1e-7), y[4]);
        assertEquals(Math.exp(-87), y[5], 2e-7 * Math.exp(-87));       // still a normal float
        assertEquals(Math.exp(-87.3f), y[6], 1e-6 * Math.exp(-87.3f)); // at the edge of the normals
        assertTrue(y[7] >= 0 && y[7] <= 1e-38f, "e^−88 is tiny or flushed: " + y[7]);
        assertTrue(y[8] >= 0 && y[8] <= 1e-38f, "e^−89 is tiny or flushed: " + y[8]);
        for (int i = 9; i <= 12; i++) assertEquals(0f, y[i], "e^" + x[i]);
        assertTrue(Float.isNaN(y[13]), "NaN stays NaN");
        for (int i = 0; i < 13; i++) assertTrue(Float.floatToRawIntBits(y[i]) >= 0, "no negative zero: e^" + x[i]);
    }

    @Test
    void anArgumentOfZeroGivesExactlyOne() {
        Random rnd = new Random(5);
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * 1e3);
        for (float v : x) assertEquals(1f, exps(new float[] {v}, v)[0], "e^(" + v + " − " + v + ")");
    }

    @Test
    void sumsMatchADoubleReference() {
        Random rnd = new Random(7);
        for (int len : new int[] {0, 1, 3, 17, 511, 512, 513, 4096, 32768, 100_003}) {
            float[] x = new float[len];
            for (int i = 0; i < len; i++) x[i] = (float) (rnd.nextGaussian() * 3);
            float shift = len == 0 ? 0 : x[0];
            for (float v : x) shift = Math.max(shift, v);
            float[] y = new float[len];
            double sum = Exp.expShifted(y, x, 0, len, shift);
            double ofTerms = 0, ofMathExp = 0;
            for (int i = 0; i < len; i++) {
                ofTerms += y[i];
                ofMathExp += Math.exp(x[i] - shift);
            }
            assertEquals(ofTerms, sum, 2e-7 * ofTerms, "Σ of the terms, len " + len);      // float lanes, Kahan
            assertEquals(ofMathExp, sum, 3e-7 * ofMathExp, "Σ e^t, len " + len);
            assertEquals(sum, Exp.sumExpShifted(x, 0, len, shift), "sumExpShifted is the same sum, len " + len);
        }
    }

    @Test
    void resultsDoNotDependOnWhereTheRowSits() {
        Random rnd = new Random(11);
        int len = 3000;
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) (rnd.nextGaussian() * 10 - 10);
        float[] y = new float[len];
        double sum = Exp.expShifted(y, x, 0, len, 0f);
        for (int at : new int[] {1, 5, 16, 333}) {
            float[] xs = new float[at + len + 7], ys = new float[at + len + 7];
            Arrays.fill(xs, Float.NaN);
            System.arraycopy(x, 0, xs, at, len);
            assertEquals(sum, Exp.expShifted(ys, xs, at, len, 0f), "sum at offset " + at);
            assertArrayEquals(y, Arrays.copyOfRange(ys, at, at + len), "terms at offset " + at);
            assertEquals(0f, ys[at - 1]);                             // nothing written outside the range
            assertEquals(0f, ys[at + len]);
        }
    }

    @Test
    void theVectorApiExponentialsGiveThePlainBits() {
        // every 743rd float in [−110, 0] and the edges, exponentiated and summed by each kernel; both with shift 0
        // and with a shift that makes x − shift round
        assertTrue(VectorApi.enabled(), "core's tests run with --add-modules jdk.incubator.vector");
        float[] x = new float[1_600_000];
        int n = 0;
        for (float t = 0f; t >= -110f; t = Math.nextDown(t) - 742 * Math.ulp(t)) x[n++] = t;
        assertTrue(n > 1_400_000 && x[n - 1] < -109f, "sweep size " + n + " down to " + x[n - 1]);
        for (float edge : new float[] {-0f, -Float.MIN_VALUE, -87.3f, -88f, -88.7f, -89.4f, -103.9f, -104f, -1e4f,
            Float.NEGATIVE_INFINITY, Float.NaN}) {
            x[n++] = edge;
        }
        for (float shift : new float[] {0f, 3.7f}) {
            for (int len : new int[] {n, 1000, 13}) {                 // Exp's blocks of 1024 and of 512, a short tail
                float[] plain = new float[n], vector = new float[n];   // the terms land at the arguments' indices
                int from = n - len;                                    // n itself is not final: it counted the sweep
                double plainSum = PlainKernels.compute(() -> Exp.expShifted(plain, x, from, len, shift));
                double vectorSum = Exp.expShifted(vector, x, from, len, shift);
                assertArrayEquals(plain, vector, "terms, shift " + shift + ", len " + len);
                assertEquals(plainSum, vectorSum, "sum, shift " + shift + ", len " + len);
                assertEquals(vectorSum, Exp.sumExpShifted(x, from, len, shift));
            }
        }
    }

    @Test
    void theShortPathsGiveTheSameBits() {
        PlainKernels.run(this::shortPathsGiveTheSameBits);            // the plain kernel's paths (the vector one has one)
    }

    private void shortPathsGiveTheSameBits() {
        // when every argument has m = −round(t·log2e) ≤ 15 (≤ 63), the skipped factors are exactly 1
        Exp.Scratch s = Exp.scratch();
        int n = Exp.BLOCK;
        float[] expected = new float[n];
        int checked = 0;
        for (float shift : new float[] {0f, 7.25f}) {                 // the shift is subtracted on every path
            for (float low : new float[] {-1f, -10.39f, -10.4f, -11f, -43.6f, -43.7f, -44f, -80f}) {
                for (int i = 0; i < n; i++) s.in[i] = shift + low * i / (n - 1);
                s.in[n - 1] = shift + low;
                Exp.block(s, n, shift, Exp.WIDE);
                System.arraycopy(s.out, 0, expected, 0, n);
                for (int path = Exp.path(s.in[n - 1], shift); path < Exp.WIDE; path++) {
                    Arrays.fill(s.out, Float.NaN);                        // nothing left over from the WIDE call
                    Arrays.fill(s.m, Float.NaN);
                    Exp.block(s, n, shift, path);
                    assertArrayEquals(expected, Arrays.copyOf(s.out, n), "path " + path + " down to " + low);
                    checked++;
                }
            }
        }
        assertEquals(20, checked);
        assertEquals(Exp.NARROW, Exp.path(-10.39f, 0f));
        assertEquals(Exp.MEDIUM, Exp.path(-11f, 0f));
        assertEquals(Exp.MEDIUM, Exp.path(-43.6f, 0f));
        assertEquals(Exp.MEDIUM, Exp.path(-44f, 0f));
        assertEquals(Exp.WIDE, Exp.path(-45f, 0f));
        assertEquals(Exp.WIDE, Exp.path(Float.NaN, 0f));
        assertEquals(Exp.WIDE, Exp.path(Float.NEGATIVE_INFINITY, 0f));
    }

    @Test
    void crossEntropyBackwardFromKeptOrRecomputedGradientGivesTheSameBits() {
        // the fused backward adds d·g with g kept by the forward or recomputed from the logits: the same bits as
        // rows()'s stored g, for any thread count, for long rows (one Exp call per row) and short ones (several
        // rows per block)
        for (int v : new int[] {1500, 65, 7}) {
            int n = 37;
            Random rnd = new Random(13 + v);
            float[] z = new float[n * v];
            for (int i = 0; i < z.length; i++) z[i] = (float) (rnd.nextGaussian() * (i % 3 == 0 ? 1 : 6));
            for (int j = 0; j < v; j++) z[9 * v + j] = (float) (rnd.nextGaussian() * 30);    // a wide row
            int[] y = new int[n];
            for (int r = 0; r < n; r++) y[r] = r == 4 || r == 20 ? -100 : rnd.nextInt(v);
            CrossEntropyKernel.Targets t = new CrossEntropyKernel.Targets(y, null, null, 0f, -100, 0f);
            float[] scale = new float[n];
            Arrays.fill(scale, 1f / (n - 2));
            scale[4] = scale[20] = 0f;
            float[] g = new float[n * v];
            CrossEntropyKernel.rows(new float[n], new float[n], new int[n], g, z, t, scale, n, v);
            float[] dy = new float[n];
            for (int r = 0; r < n; r++) dy[r] = r == 7 ? 0f : 0.5f + r;
            int threads = Parallel.threads();
            try {
                for (int th : new int[] {1, 2, 3}) {
                    for (boolean keep : new boolean[] {false, true}) {
                        Parallel.setThreads(th);
                        float[] loss = new float[n], lse = new float[n], max = new float[n], min = new float[n], coef = new float[n];
                        float[] kept = keep ? new float[n * v] : null;
                        if (kept != null) Arrays.fill(kept, Float.NaN);          // a reused buffer: every entry gets written
                        CrossEntropyKernel.forward(loss, lse, new int[n], max, min, coef, z, t, scale, n, v, kept);
                        for (int r = 0; r < n; r++) {
                            if (r == 4 || r == 20) continue;
                            double sum = Exp.sumExpShifted(z, r * v, v, max[r]);
                            double want = max[r] + Math.log(sum);
                            assertEquals((float) want, lse[r], "lse of row " + r + ", v " + v);
                            assertEquals((float) (1.0 * want - 1.0 * z[r * v + y[r]] + 0.0), loss[r], "loss of row " + r);
                        }
                        for (boolean perRow : new boolean[] {false, true}) {
                            float[] dz = new float[n * v];
                            Arrays.fill(dz, 0.25f);
                            CrossEntropyKernel.backward(dz, perRow ? dy : new float[] {0.75f}, perRow, z, t, scale, max, min,
                                    coef, n, v, kept);
                            float[] want = new float[n * v];
                            for (int i = 0; i < want.length; i++) {
                                float d = perRow ? dy[i / v] : 0.75f;
                                want[i] = d == 0f ? 0.25f : 0.25f + d * g[i];
                            }
                            assertArrayEquals(want, dz, "v " + v + ", threads " + th + ", perRow " + perRow + ", kept " + keep);
                        }
                    }
                }
            } finally {
                Parallel.setThreads(threads);
            }
        }
    }

    @Test
    void sumExpShiftedReturnsExpShiftedsSum() {
        Random rnd = new Random(11);
        float[] x = new float[3000];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * 6);
        for (boolean plain : new boolean[] {false, true}) {
            double stored = compute(plain, () -> Exp.expShifted(new float[x.length], x, 0, x.length, 9f));
            double summed = compute(plain, () -> Exp.sumExpShifted(x, 0, x.length, 9f));
            assertTrue(stored > 1, "a sum of 3000 terms, some near e^0: " + stored);
            assertEquals(stored, summed, 0.0, plain ? "plain" : "vector");
        }
    }

    @Test
    void kahanLanesKeepWhatFloatRoundingDrops() {
        // Lanes 0..4 add 1 and then three terms of e^−16 ≈ 1.1e−7, each below half a float ulp of 1: a plain float
        // sum drops them, the compensation keeps them. Three whole blocks of 512 and a tail of 5 (not a whole
        // vector: the tail's own loop). Every other term is e^−97.5, below the floats.
        int len = 3 * 512 + 5;
        float shift = 2.5f;
        float[] x = new float[len];
        Arrays.fill(x, shift - 100f);
        for (int lane = 0; lane < 5; lane++) {
            x[lane] = shift;
            for (int b = 1; b <= 3; b++) x[b * 512 + lane] = shift - 16f;
        }
        double want = 0;
        for (float xi : x) want += Math.exp((double) xi - shift);
        for (boolean plain : new boolean[] {false, true}) {
            double got = compute(plain, () -> Exp.sumExpShifted(x, 0, len, shift));
            // the terms' own error is ~1e−14 of the total; dropping or doubling one lane's compensation is ~1e−8
            assertEquals(want, got, 1e-12 * want, plain ? "plain" : "vector");
        }
    }

    @Test
    void aRowOfAtMost512TermsSumsAsSumLanesOfItsTerms() {
        // the short cross-entropy rows take their sums from sumLanes(terms, null): Exp's lanes must give the same
        // double. Four accumulators (j mod 4) decide the rounding here: 1 + e^t + e^t + e^t + e^t with e^t ≈ 0.4
        // ulp(1) is 1 added in one accumulator, 1 + 2^−52 in four ((1 + e) + e) + (e + e).
        float t = (float) Math.log(0.4 * Math.ulp(1.0));
        float[] x = {0f, -200f, -200f, -200f, t, t, t, t};
        for (boolean plain : new boolean[] {false, true}) {
            float[] y = new float[x.length];
            double sum = compute(plain, () -> Exp.expShifted(y, x, 0, x.length, 0f));
            assertEquals(1 + Math.ulp(1.0), sum, 0.0, plain ? "plain" : "vector");
            assertEquals(Exp.sumLanes(y, null, 0, y.length), sum, 0.0);
        }
        Random rnd = new Random(12);
        for (int len : new int[] {1, 3, 8, 127, 129, 511, 512}) {
            float[] z = new float[len], y = new float[len];
            for (int i = 0; i < len; i++) z[i] = (float) (rnd.nextGaussian() * 15 - 20);
            double sum = compute(false, () -> Exp.expShifted(y, z, 0, len, 0f));
            assertEquals(Exp.sumLanes(y, null, 0, len), sum, 0.0, "length " + len);
        }
    }

    @Test
    void theReferenceTierTakesMathExpOfTheShiftedArgument() {
        String before = KernelTier.current();
        try {
            KernelTier.select("reference");
            float[] x = {3f, 1f, -2f, 3f - 80f};
            float[] y = new float[x.length];
            double sum = Exp.expShifted(y, x, 0, x.length, 3f), want = 0;
            for (int i = 0; i < x.length; i++) {
                double e = Math.exp((double) x[i] - 3f);
                assertEquals((float) e, y[i], 0f, "e^(" + x[i] + " − 3)");
                want += e;
            }
            assertEquals(want, sum, 0.0);
            assertEquals(want, Exp.sumExpShifted(x, 0, x.length, 3f), 0.0);
        } finally {
            KernelTier.select(before);
        }
    }

    /** work's result on the fast tier, with the plain kernels or the Vector API ones; the tier is restored. */
    private static double compute(boolean plain, java.util.function.DoubleSupplier work) {
        String before = KernelTier.current();
        try {
            KernelTier.select("fast");
            return plain ? PlainKernels.compute(work::getAsDouble) : work.getAsDouble();
        } finally {
            KernelTier.select(before);
        }
    }
}
