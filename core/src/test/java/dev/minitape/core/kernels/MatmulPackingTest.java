package dev.minitape.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.minitape.core.kernels.MatmulTest.Layout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Matmul's packing judged by values. Each operand sits between other numbers, as attention's heads and a batch's
 * entries do, so a packing loop that reads one place off gets a number, not an out-of-bounds error; the numbers
 * are small integers, so every product and sum is exact in float and the result must equal a triple loop in
 * double exactly, whatever the blocking; a value read from the wrong place differs 16 times in 17.
 */
class MatmulPackingTest {
    /** Numbers before and after each operand. */
    private static final int PAD_BEFORE = 29, PAD_AFTER = 31;

    /**
     * m, k, n one either side of each blocking edge: rows in groups of MR = 3, and of the Vector API kernels' 6 and
     * 12; depths in passes of 3 and blocks of KC = 256; columns in fours (a transposing pack), vectors of L and
     * strips of 2L (L = 16 with AVX-512, 8 with AVX2), WIDE = 128 and panels of NC = 512; narrow C with many rows
     * (run as Cᵀ += Bᵀ·Aᵀ, so A is what gets packed), and fewer rows than columns split by columns over 2 threads.
     */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {2, 2, 2}, {4, 3, 5}, {5, 4, 7}, {7, 5, 3},            // depth 1 and 2 leave zero rows; 3 + 1, 3 + 2 rows
        {13, 6, 33}, {12, 7, 16}, {25, 8, 17}, {14, 2, 9},                // 12 rows and remainders; L, 2L, 2L + 1 columns
        {6, 256, 31}, {6, 257, 32}, {7, 255, 47}, {11, 514, 65},          // KC and either side, 2 KC + 2; strips and tails
        {19, 258, 127}, {3, 259, 129},                                    // WIDE either side
        {8, 100, 511}, {4, 60, 512}, {5, 33, 513}, {2, 20, 1025},         // one panel, two (257 + 256), three
        {6, 256, 512},                                                    // a full block: KC deep, NC wide, strips to the end
        {300, 257, 5}, {200, 40, 15}, {130, 300, 61},                     // transposed: A packed, across KC
        {9, 600, 700},                                                    // split by columns: a panel starting mid-row
    };

    @Test
    void everyLayoutAndShapeEqualsTheTripleLoopExactly() {
        Random rnd = new Random(19);
        int before = Parallel.threads();
        try {
            for (int[] s : SHAPES) {
                for (Layout layout : Layout.values()) check(rnd, layout, s[0], s[1], s[2]);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * Two products stored back to back in each array, computed one call each, in one batched call and, for nn, by
     * nnOverwrite; by either kernel, on 1 and 2 threads.
     */
    private static void check(Random rnd, Layout layout, int m, int k, int n) {
        int[] aOff = {PAD_BEFORE, PAD_BEFORE + m * k}, bOff = {PAD_BEFORE, PAD_BEFORE + k * n};
        int[] cOff = {PAD_BEFORE, PAD_BEFORE + m * n};
        float[] a = integers(rnd, 2 * m * k), b = integers(rnd, 2 * k * n), c = integers(rnd, 2 * m * n);
        float[] sum = c.clone(), product = c.clone();
        for (int t = 0; t < 2; t++) {
            tripleLoop(sum, cOff[t], c, layout, a, aOff[t], b, bOff[t], m, k, n);
            tripleLoop(product, cOff[t], null, layout, a, aOff[t], b, bOff[t], m, k, n);
        }
        for (boolean plain : new boolean[] {true, false}) {
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                String what = layout + " " + m + "×" + k + "×" + n + (plain ? ", plain" : ", Vector API") + ", "
                        + threads + " threads";
                float[] single = c.clone(), batched = c.clone(), overwritten = c.clone();
                Arrays.fill(overwritten, cOff[0], cOff[1] + m * n, Float.NaN);
                Runnable products = () -> {
                    for (int t = 0; t < 2; t++) layout.run(single, cOff[t], a, aOff[t], b, bOff[t], m, k, n);
                    layout.run(batched, cOff, a, aOff, b, bOff, m, k, n);
                    if (layout == Layout.NN) {
                        for (int t = 0; t < 2; t++) Matmul.nnOverwrite(overwritten, cOff[t], a, aOff[t], b, bOff[t], m, k, n);
                    }
                };
                if (plain) PlainKernels.run(products); else products.run();
                assertArrayEquals(sum, single, what + ", one call per product");
                assertArrayEquals(sum, batched, what + ", batched");
                if (layout == Layout.NN) assertArrayEquals(product, overwritten, what + ", nnOverwrite");
            }
        }
    }

    /** c[cOff..] = (c0 or 0) + A·B for one stored product, summed in double (exact here). */
    private static void tripleLoop(float[] c, int cOff, float[] c0, Layout layout, float[] a, int aOff, float[] b, int bOff,
                                   int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = c0 == null ? 0 : c0[cOff + i * n + j];
                for (int p = 0; p < k; p++) acc += (double) layout.a(a, aOff, i, p, m, k) * layout.b(b, bOff, p, j, k, n);
                c[cOff + i * n + j] = (float) acc;
            }
        }
    }

    /** size integers in [−8, 8] with PAD_BEFORE and PAD_AFTER more around them. */
    private static float[] integers(Random rnd, int size) {
        float[] x = new float[PAD_BEFORE + size + PAD_AFTER];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextInt(17) - 8;
        return x;
    }
}
