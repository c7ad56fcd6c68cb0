package dev.minitape.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.Test;

class MatmulTest {

    /** The three layouts: how a and b are stored, and which Matmul call and EJML call compute them. */
    enum Layout {
        NN, NT, TN;

        /** c (m×n) += product, through Matmul's single form. */
        void run(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n) {
            switch (this) {
                case NN -> Matmul.nn(c, cOff, a, aOff, b, bOff, m, k, n);
                case NT -> Matmul.nt(c, cOff, a, aOff, b, bOff, m, k, n);
                case TN -> Matmul.tn(c, cOff, a, aOff, b, bOff, m, k, n);
            }
        }

        /** The batched form. */
        void run(float[] c, int[] cOff, float[] a, int[] aOff, float[] b, int[] bOff, int m, int k, int n) {
            switch (this) {
                case NN -> Matmul.nn(c, cOff, a, aOff, b, bOff, m, k, n);
                case NT -> Matmul.nt(c, cOff, a, aOff, b, bOff, m, k, n);
                case TN -> Matmul.tn(c, cOff, a, aOff, b, bOff, m, k, n);
            }
        }

        /** c += product with EJML; a and b are stored as this layout says (a k×m for tn, b n×k for nt). */
        void ejml(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
            switch (this) {
                case NN -> CommonOps_FDRM.multAdd(a, b, c);
                case NT -> CommonOps_FDRM.multAddTransB(a, b, c);
                case TN -> CommonOps_FDRM.multAddTransA(a, b, c);
            }
        }

        int aRows(int m, int k) {
            return this == TN ? k : m;
        }

        int bRows(int k, int n) {
            return this == NT ? n : k;
        }

        /** A(i, p) of the matrix stored in a from aOff. */
        float a(float[] a, int aOff, int i, int p, int m, int k) {
            return this == TN ? a[aOff + p * m + i] : a[aOff + i * k + p];
        }

        /** B(p, j) of the matrix stored in b from bOff. */
        float b(float[] b, int bOff, int p, int j, int k, int n) {
            return this == NT ? b[bOff + j * k + p] : b[bOff + p * n + j];
        }
    }

    /**
     * m, k, n around the kernel's edges: single rows and columns, row groups of 3 and depth groups of 3
     * with remainders, depth past one block (KC = 256), columns past one panel (NC = 512), narrow panels,
     * narrow C with many rows (computed as Cᵀ += Bᵀ·Aᵀ), and C one vector wide or a little more (attention's
     * heads of 8, 16 and 24 floats).
     */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 7, 1}, {2, 3, 4}, {3, 3, 3}, {4, 5, 6}, {5, 257, 3}, {7, 300, 515}, {37, 520, 70},
        {200, 130, 65}, {64, 512, 129}, {130, 259, 127}, {600, 40, 100}, {31, 17, 1030},
        {64, 64, 16}, {64, 16, 64}, {77, 40, 24}, {100, 9, 8}, {25, 300, 16}, {20, 10, 20},
    };

    @Test
    void agreesWithEjmlOnEveryLayoutAndShape() {
        Random rnd = new Random(1);
        for (Layout layout : Layout.values()) {
            for (int[] s : SHAPES) {
                int m = s[0], k = s[1], n = s[2];
                int aOff = rnd.nextInt(9), bOff = rnd.nextInt(9), cOff = rnd.nextInt(9);
                float[] a = padded(rnd, aOff, m * k), b = padded(rnd, bOff, k * n), c = padded(rnd, cOff, m * n);
                float[] c0 = c.clone();
                layout.run(c, cOff, a, aOff, b, bOff, m, k, n);

                FMatrixRMaj am = matrix(a, aOff, layout.aRows(m, k), m * k / layout.aRows(m, k));
                FMatrixRMaj bm = matrix(b, bOff, layout.bRows(k, n), k * n / layout.bRows(k, n));
                FMatrixRMaj expected = matrix(c0, cOff, m, n), size = matrix(c0, cOff, m, n);
                layout.ejml(am, bm, expected);
                CommonOps_FDRM.abs(am);
                CommonOps_FDRM.abs(bm);
                CommonOps_FDRM.abs(size);
                layout.ejml(am, bm, size);        // |c0| + Σ_p |A(i, p)|·|B(p, j)|: the scale of each rounding error
                for (int e = 0; e < m * n; e++) {
                    float tol = 1e-5f * size.data[e] + Float.MIN_NORMAL;
                    assertEquals(expected.data[e], c[cOff + e], tol, () -> layout + " " + Arrays.toString(s));
                }
                assertUntouchedAround(c, c0, cOff, m * n);
            }
        }
    }

    /** Both micro-kernels: the plain-Java one and the Vector API one (the tests run with its module). */
    @Test
    void equalsThePlainFmaLoopBitForBitWithEitherKernel() {
        assertTrue(VectorApi.enabled(), "core's tests run with --add-modules jdk.incubator.vector, so the Vector API kernel is on");
        PlainKernels.run(() -> equalsThePlainFmaLoopBitForBit("plain"));
        equalsThePlainFmaLoopBitForBit("Vector API");
    }

    private void equalsThePlainFmaLoopBitForBit(String kernel) {
        // The documented order: c = fma(A(i, p), B(p, j), c) for p = 0, 1, ..., k−1.
        Random rnd = new Random(2);
        for (Layout layout : Layout.values()) {
            for (int[] s : SHAPES) {
                int m = s[0], k = s[1], n = s[2];
                float[] a = random(rnd, m * k), b = random(rnd, k * n), c = random(rnd, m * n);
                float[] expected = c.clone();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        float acc = expected[i * n + j];
                        for (int p = 0; p < k; p++) {
                            acc = Math.fma(layout.a(a, 0, i, p, m, k), layout.b(b, 0, p, j, k, n), acc);
                        }
                        expected[i * n + j] = acc;
                    }
                }
                layout.run(c, 0, a, 0, b, 0, m, k, n);
                assertArrayEquals(expected, c, () -> kernel + " " + layout + " " + Arrays.toString(s));
            }
        }
    }

    @Test
    void batchedFormComputesEveryEntry() {
        // Five products in one call: inputs at scattered offsets, the second input shared by two entries.
        Random rnd = new Random(3);
        int m = 7, k = 300, n = 50;
        int[] aOff = {0, 2300, 4200, 6500, 9000}, bOff = {15000, 0, 15000, 30000, 45000};
        int[] cOff = {3, 400, 1000, 1400, 2000};
        for (Layout layout : Layout.values()) {
            float[] a = random(rnd, 12000), b = random(rnd, 60000), c = random(rnd, 2400);
            float[] expected = c.clone();
            for (int t = 0; t < cOff.length; t++) layout.run(expected, cOff[t], a, aOff[t], b, bOff[t], m, k, n);
            layout.run(c, cOff, a, aOff, b, bOff, m, k, n);
            assertArrayEquals(expected, c, layout::toString);
        }
    }

    @Test
    void resultsAreBitIdenticalForOneAndTwoThreads() {
        // Shapes that split across threads; with {200, 100, 65} one thread takes the column-wise path
        // (200 rows) and two take the row-wise one (100 rows each), and still agree bit for bit.
        Random rnd = new Random(4);
        int[][] shapes = {{300, 64, 300}, {200, 100, 65}, {90, 600, 600}};
        int before = Parallel.threads();
        try {
            for (Layout layout : Layout.values()) {
                for (int[] s : shapes) {
                    int m = s[0], k = s[1], n = s[2];
                    float[] a = random(rnd, m * k), b = random(rnd, k * n), c = random(rnd, m * n);
                    float[] one = c.clone(), two = c.clone();
                    Parallel.setThreads(1);
                    layout.run(one, 0, a, 0, b, 0, m, k, n);
                    Parallel.setThreads(2);
                    layout.run(two, 0, a, 0, b, 0, m, k, n);
                    assertArrayEquals(one, two, () -> layout + " " + Arrays.toString(s));
                }
                // Batched: the split falls inside a batch entry.
                int[] aOff = {0, 2100, 4200, 6300, 8400}, bOff = {0, 15000, 30000, 45000, 60000};
                int[] cOff = {0, 350, 700, 1050, 1400};
                float[] a = random(rnd, 10500), b = random(rnd, 75000), c = random(rnd, 1750);
                float[] one = c.clone(), two = c.clone();
                Parallel.setThreads(1);
                layout.run(one, cOff, a, aOff, b, bOff, 7, 300, 50);
                Parallel.setThreads(2);
                layout.run(two, cOff, a, aOff, b, bOff, 7, 300, 50);
                assertArrayEquals(one, two, () -> layout + " batched");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void resultsDoNotDependOnWhereTheDataSits() {
        Random rnd = new Random(5);
        int m = 40, k = 70, n = 333;
        float[] a = random(rnd, m * k), b = random(rnd, k * n), c = random(rnd, m * n);
        for (Layout layout : Layout.values()) {
            float[] first = null;
            for (int shift : new int[] {0, 1, 2, 3, 5, 8, 13}) {
                float[] as = new float[shift + a.length], bs = new float[2 * shift + b.length];
                float[] cs = new float[shift + c.length];
                System.arraycopy(a, 0, as, shift, a.length);
                System.arraycopy(b, 0, bs, 2 * shift, b.length);
                System.arraycopy(c, 0, cs, shift, c.length);
                layout.run(cs, shift, as, shift, bs, 2 * shift, m, k, n);
                float[] result = Arrays.copyOfRange(cs, shift, shift + c.length);
                if (first == null) first = result;
                assertArrayEquals(first, result, () -> layout + " shifted by " + shift);
            }
        }
    }

    @Test
    void nonFiniteValuesStayInTheirOwnProduct() {
        // Infinities in one product's b fill the reused panel; the next, shallower product must not see them.
        float inf = Float.POSITIVE_INFINITY;
        float[] c = new float[2];
        float[] infs = {inf, inf, inf, inf, inf, inf};
        Matmul.nn(c, 0, new float[] {1, 1, 1, 1, 1, 1}, 0, infs, 0, 1, 6, 1);
        assertArrayEquals(new float[] {inf, 0}, c);
        float[] d = {1, 2, 3, 4};
        Matmul.nn(d, 0, new float[] {1, 1, 1, 1, 1, 1, 1, 1}, 0, new float[] {1, 1, 1, 1, 1, 1, 1, 1}, 0, 2, 4, 2);
        assertArrayEquals(new float[] {5, 6, 7, 8}, d);
    }

    @Test
    void zeroDepthLeavesCUnchanged() {
        float[] c = {1, 2, 3, 4, 5, 6};
        for (Layout layout : Layout.values()) {
            layout.run(c, 0, new float[0], 0, new float[0], 0, 2, 0, 3);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c);
        }
    }

    /** nnOverwrite never reads c: over garbage (NaN) it gives nn's bits into zeros, with either kernel and 1 or 2 threads. */
    @Test
    void nnOverwriteEqualsNnIntoZerosBitForBit() {
        Random rnd = new Random(5);
        for (int[] s : SHAPES) {
            int m = s[0], k = s[1], n = s[2];
            float[] a = random(rnd, m * k), b = random(rnd, k * n);
            float[] expected = PlainKernels.compute(() -> {
                float[] c = new float[m * n];
                Matmul.nn(c, 0, a, 0, b, 0, m, k, n);
                return c;
            });
            int before = Parallel.threads();
            for (boolean plain : new boolean[] {true, false}) {
                for (int threads = 1; threads <= 2; threads++) {
                    Parallel.setThreads(threads);
                    try {
                        float[] c = new float[m * n];
                        Arrays.fill(c, Float.NaN);
                        Runnable product = () -> Matmul.nnOverwrite(c, 0, a, 0, b, 0, m, k, n);
                        if (plain) PlainKernels.run(product); else product.run();
                        String what = (plain ? "plain " : "Vector API ") + threads + " threads " + Arrays.toString(s);
                        assertArrayEquals(expected, c, what);
                    } finally {
                        Parallel.setThreads(before);
                    }
                }
            }
        }
        float[] c = {Float.NaN, Float.NaN};
        Matmul.nnOverwrite(c, 0, new float[0], 0, new float[0], 0, 1, 0, 2);
        assertArrayEquals(new float[] {0f, 0f}, c, "a product over no depth is 0");
    }

    @Test
    void oneByOneIsAMultiplyAdd() {
        float[] c = {0, 0.5f};
        Matmul.nn(c, 1, new float[] {9, 2}, 1, new float[] {3}, 0, 1, 1, 1);
        assertArrayEquals(new float[] {0, 6.5f}, c);
    }

    @Test
    void offsetArraysOfDifferentLengthsAreRejected() {
        float[] x = new float[4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Matmul.nn(x, new int[] {0, 1}, x, new int[] {0}, x, new int[] {0, 0}, 1, 1, 1));
        assertTrue(e.getMessage().contains("2, 1, 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Matmul.nn(x, new int[] {0}, x, new int[] {0}, x, new int[] {0, 1}, 1, 1, 1));
        assertTrue(e.getMessage().contains("1, 1, 2"), e.getMessage());
    }

    /**
     * The tier decides who computes: 1·2²⁴ + 1·1 + 1·1 is 2²⁴ in the fast kernels' float fma chain (each + 1 is a tie
     * that rounds back to even) and 2²⁴ + 2 in the reference tier's double sum, for every layout and the batched form.
     */
    @Test
    void theReferenceTierComputesInDouble() {
        float big = 0x1p24f;
        float[] a = {1, 1, 1}, b = {big, 1, 1};                // A is 1×3 and its own transpose; B 3×1 likewise
        String before = KernelTier.current();
        try {
            for (String tier : new String[] {"fast", "reference"}) {
                KernelTier.select(tier);
                float expected = tier.equals("fast") ? big : big + 2;
                for (Layout layout : Layout.values()) {
                    float[] c = {0};
                    layout.run(c, 0, a, 0, b, 0, 1, 3, 1);
                    assertEquals(expected, c[0], tier + " " + layout);
                    float[] batched = {0, 0};
                    layout.run(batched, new int[] {0, 1}, a, new int[] {0, 0}, b, new int[] {0, 0}, 1, 3, 1);
                    assertArrayEquals(new float[] {expected, expected}, batched, tier + " " + layout + " batched");
                }
                float[] c = {Float.NaN};
                Matmul.nnOverwrite(c, 0, a, 0, b, 0, 1, 3, 1);
                assertEquals(expected, c[0], tier + " nnOverwrite");
            }
        } finally {
            KernelTier.select(before);
        }
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }

    /** size random values at [off, off + size), with NaN before and after: a stray read poisons the result. */
    private static float[] padded(Random rnd, int off, int size) {
        float[] x = new float[off + size + 5];
        Arrays.fill(x, Float.NaN);
        System.arraycopy(random(rnd, size), 0, x, off, size);
        return x;
    }

    private static FMatrixRMaj matrix(float[] data, int off, int rows, int cols) {
        FMatrixRMaj mat = new FMatrixRMaj(rows, cols);
        System.arraycopy(data, off, mat.data, 0, rows * cols);
        return mat;
    }

    private static void assertUntouchedAround(float[] c, float[] c0, int off, int size) {
        assertArrayEquals(Arrays.copyOfRange(c0, 0, off), Arrays.copyOfRange(c, 0, off), "written before c");
        assertArrayEquals(Arrays.copyOfRange(c0, off + size, c0.length), Arrays.copyOfRange(c, off + size, c.length),
                "written after c");
    }
}
