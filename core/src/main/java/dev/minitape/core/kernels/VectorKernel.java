package dev.minitape.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Matmul}'s micro-kernel written with the incubating Vector API, used only when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} (this class is loaded by nothing else). Plain Java cannot keep
 * accumulators in registers, so its kernel loads and stores C for every three depths; here a tile of 6 rows ×
 * 2 vectors of C lives in 12 registers for a whole depth block:
 * <pre>
 *   for p in 0 until kc:   b0, b1 ← panel[p][j .. j + 2L)
 *                          for each of the 6 rows r:   c_r0 = fma(A(r, p), b0, c_r0),  c_r1 = fma(A(r, p), b1, c_r1)
 * </pre>
 * (15 vector registers: fits AVX2's 16 and AVX-512's 32). Every element still gets c = fma(A(i, p), B(p, j), c)
 * for p in order, so the results are bit-identical to the plain kernel's.
 */
final class VectorKernel {
    private VectorKernel() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Rows of C per call. */
    static final int ROWS = 6;

    /** The narrowest panel worth a call: one strip of two vectors. */
    static final int STRIP = 2 * L;

    /** Rows of C per call of {@link #kernel12}, and the narrowest panel it takes: one vector. */
    static final int NARROW_ROWS = 12, NARROW = L;

    /**
     * acc[r][j] = fma(s[o + r·rs + p·ps], panel[p][j], acc[r][j])   for r < 6, p = 0..kc−1 in order, j < w, with
     * the panel's whole strips also packed strip by strip: strips[(t·kc + p)·STRIP + x] = panel[p][t·STRIP + x].
     */
    static void kernel6(float[][] acc, float[] s, int o, int rs, int ps, float[] strips, float[][] panel, int kc, int w) {
        float[] d0 = acc[0], d1 = acc[1], d2 = acc[2], d3 = acc[3], d4 = acc[4], d5 = acc[5];
        int o0 = o, o1 = o + rs, o2 = o1 + rs, o3 = o2 + rs, o4 = o3 + rs, o5 = o4 + rs;
        int j = 0;
        for (; j + STRIP <= w; j += STRIP) {
            int j1 = j + L;
            FloatVector c00 = FloatVector.fromArray(S, d0, j), c01 = FloatVector.fromArray(S, d0, j1);
            FloatVector c10 = FloatVector.fromArray(S, d1, j), c11 = FloatVector.fromArray(S, d1, j1);
            FloatVector c20 = FloatVector.fromArray(S, d2, j), c21 = FloatVector.fromArray(S, d2, j1);
            FloatVector c30 = FloatVector.fromArray(S, d3, j), c31 = FloatVector.fromArray(S, d3, j1);
            FloatVector c40 = FloatVector.fromArray(S, d4, j), c41 = FloatVector.fromArray(S, d4, j1);
            FloatVector c50 = FloatVector.fromArray(S, d5, j), c51 = FloatVector.fromArray(S, d5, j1);
            for (int p = 0, q = 0, x = j * kc; p < kc; p++, q += ps, x += STRIP) {
                FloatVector b0 = FloatVector.fromArray(S, strips, x), b1 = FloatVector.fromArray(S, strips, x + L);
                FloatVector a = FloatVector.broadcast(S, s[o0 + q]);
                c00 = a.fma(b0, c00);
                c01 = a.fma(b1, c01);
                a = FloatVector.broadcast(S, s[o1 + q]);
                c10 = a.fma(b0, c10);
                c11 = a.fma(b1, c11);
                a = FloatVector.broadcast(S, s[o2 + q]);
                c20 = a.fma(b0, c20);
                c21 = a.fma(b1, c21);
                a = FloatVector.broadcast(S, s[o3 + q]);
                c30 = a.fma(b0, c30);
                c31 = a.fma(b1, c31);
                a = FloatVector.broadcast(S, s[o4 + q]);
                c40 = a.fma(b0, c40);
                c41 = a.fma(b1, c41);
                a = FloatVector.broadcast(S, s[o5 + q]);
                c50 = a.fma(b0, c50);
                c51 = a.fma(b1, c51);
            }
            c00.intoArray(d0, j);
            c01.intoArray(d0, j1);
            c10.intoArray(d1, j);
            c11.intoArray(d1, j1);
            c20.intoArray(d2, j);
            c21.intoArray(d2, j1);
            c30.intoArray(d3, j);
            c31.intoArray(d3, j1);
            c40.intoArray(d4, j);
            c41.intoArray(d4, j1);
            c50.intoArray(d5, j);
            c51.intoArray(d5, j1);
        }
        lastColumns(acc, ROWS, s, o, rs, ps, panel, kc, j, w);
    }

    /**
     * {@link #kernel6} for a panel narrower than a strip, at least one vector wide (a head of 16 floats with
     * AVX-512): 12 rows × 1 vector of C in 12 registers,
     * acc[r][j] = fma(s[o + r·rs + p·ps], panel[p][j], acc[r][j])   for r < 12, p = 0..kc−1 in order, j < w.
     */
    static void kernel12(float[][] acc, float[] s, int o, int rs, int ps, float[][] panel, int kc, int w) {
        float[] d0 = acc[0], d1 = acc[1], d2 = acc[2], d3 = acc[3], d4 = acc[4], d5 = acc[5];
        float[] d6 = acc[6], d7 = acc[7], d8 = acc[8], d9 = acc[9], d10 = acc[10], d11 = acc[11];
        FloatVector c0 = FloatVector.fromArray(S, d0, 0), c1 = FloatVector.fromArray(S, d1, 0);
        FloatVector c2 = FloatVector.fromArray(S, d2, 0), c3 = FloatVector.fromArray(S, d3, 0);
        FloatVector c4 = FloatVector.fromArray(S, d4, 0), c5 = FloatVector.fromArray(S, d5, 0);
        FloatVector c6 = FloatVector.fromArray(S, d6, 0), c7 = FloatVector.fromArray(S, d7, 0);
        FloatVector c8 = FloatVector.fromArray(S, d8, 0), c9 = FloatVector.fromArray(S, d9, 0);
        FloatVector c10 = FloatVector.fromArray(S, d10, 0), c11 = FloatVector.fromArray(S, d11, 0);
        for (int p = 0, q = o; p < kc; p++, q += ps) {
            FloatVector b = FloatVector.fromArray(S, panel[p], 0);
            c0 = FloatVector.broadcast(S, s[q]).fma(b, c0);
            c1 = FloatVector.broadcast(S, s[q + rs]).fma(b, c1);
            c2 = FloatVector.broadcast(S, s[q + 2 * rs]).fma(b, c2);
            c3 = FloatVector.broadcast(S, s[q + 3 * rs]).fma(b, c3);
            c4 = FloatVector.broadcast(S, s[q + 4 * rs]).fma(b, c4);
            c5 = FloatVector.broadcast(S, s[q + 5 * rs]).fma(b, c5);
            c6 = FloatVector.broadcast(S, s[q + 6 * rs]).fma(b, c6);
            c7 = FloatVector.broadcast(S, s[q + 7 * rs]).fma(b, c7);
            c8 = FloatVector.broadcast(S, s[q + 8 * rs]).fma(b, c8);
            c9 = FloatVector.broadcast(S, s[q + 9 * rs]).fma(b, c9);
            c10 = FloatVector.broadcast(S, s[q + 10 * rs]).fma(b, c10);
            c11 = FloatVector.broadcast(S, s[q + 11 * rs]).fma(b, c11);
        }
        c0.intoArray(d0, 0);
        c1.intoArray(d1, 0);
        c2.intoArray(d2, 0);
        c3.intoArray(d3, 0);
        c4.intoArray(d4, 0);
        c5.intoArray(d5, 0);
        c6.intoArray(d6, 0);
        c7.intoArray(d7, 0);
        c8.intoArray(d8, 0);
        c9.intoArray(d9, 0);
        c10.intoArray(d10, 0);
        c11.intoArray(d11, 0);
        lastColumns(acc, NARROW_ROWS, s, o, rs, ps, panel, kc, L, w);
    }

    /** Columns [j, w) of the kernels' rows, element by element in the same order. */
    private static void lastColumns(float[][] acc, int rows, float[] s, int o, int rs, int ps, float[][] panel, int kc,
                                    int j, int w) {
        if (j == w) return;
        for (int r = 0; r < rows; r++) {
            float[] d = acc[r];
            int or = o + r * rs;
            for (int p = 0; p < kc; p++) {
                float x = s[or + p * ps];
                float[] b = panel[p];
                for (int jj = j; jj < w; jj++) d[jj] = Math.fma(x, b[jj], d[jj]);
            }
        }
    }
}
