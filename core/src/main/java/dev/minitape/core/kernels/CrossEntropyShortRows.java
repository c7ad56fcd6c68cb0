package dev.minitape.core.kernels;

import dev.minitape.core.kernels.CrossEntropyKernel.Scratch;
import dev.minitape.core.kernels.CrossEntropyKernel.Targets;
import java.util.Arrays;

/**
 * {@link CrossEntropyKernel}'s sweeps for short rows (V ≤ {@link #MAX_CLASSES}, a character vocabulary):
 * one row would fill a fraction of an {@link Exp} block and pay its set-up per row, so several rows share a
 * block. Every number is the one the row-at-a-time sweep gives.
 */
final class CrossEntropyShortRows {
    private CrossEntropyShortRows() {}

    /** Rows at most this long go through Exp several to a block. */
    static final int MAX_CLASSES = 128;

    /**
     * {@link CrossEntropyKernel}'s forwardRow for rows [from, to) of a short V, several rows to an Exp block:
     * each row's arguments z_j − m_r are formed in the block, which Exp then takes with shift 0 (the same floats), and
     * each row's sum is Exp.sumLanes of its terms, which is what Exp's lanes give a row of at most 512
     * (one term per lane). So every number is the one forwardRow gives, g's rows included.
     */
    static void forward(int from, int to, float[] loss, float[] lse, int[] argmax, float[] rowMax, float[] rowMin,
                        float[] rowCoef, float[] z, Targets t, float[] scale, int v, Scratch s, float[] g) {
        int per = 512 / v;                                            // rows of ≤ 512: Exp's sum is sumLanes
        float[] in = s.exp.in, out = s.exp.out, shift = s.aux3;
        int[] best = new int[per];
        for (int r0 = from; r0 < to; r0 += per) {
            int rows = Math.min(per, to - r0), n = rows * v;
            System.arraycopy(z, r0 * v, in, 0, n);
            // the block's min bounds every row's min from below: a valid (if cautious) path for each row
            float min = Float.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (in[i] < min) min = in[i];                         // NaNs skipped: every Exp path keeps NaN
            }
            int path = Exp.NARROW;
            for (int q = 0; q < rows; q++) {
                int r = r0 + q, at = r * v;
                if (CrossEntropyKernel.isIgnored(t, r)) {
                    Arrays.fill(shift, q * v, (q + 1) * v, Float.NaN);  // marks the row; its terms are unused
                    continue;
                }
                int b = CrossEntropyKernel.argmaxScalar(z, at, v);
                float max = b < 0 ? Float.NEGATIVE_INFINITY : z[at + b];
                best[q] = b;
                Arrays.fill(shift, q * v, (q + 1) * v, max);
                path = Math.max(path, Exp.path(min, max));
            }
            for (int i = 0; i < n; i++) in[i] = in[i] - shift[i];
            for (int q = 0; q < rows; q++) {
                if (CrossEntropyKernel.isIgnored(t, r0 + q)) Arrays.fill(in, q * v, (q + 1) * v, 0f);
            }
            Exp.block(s.exp, padded(in, n), 0f, path);
            for (int q = 0; q < rows; q++) {
                int r = r0 + q;
                if (CrossEntropyKernel.isIgnored(t, r)) {
                    CrossEntropyKernel.ignoredRow(r, loss, lse, argmax, rowMax, rowMin, rowCoef);
                    continue;
                }
                double sum = Exp.sumLanes(out, null, q * v, v);
                int b = best[q];
                float max = b < 0 ? Float.NEGATIVE_INFINITY : z[r * v + b];
                CrossEntropyKernel.finishRow(r, Math.max(b, 0), max, min, sum, loss, lse, argmax, rowMax, rowMin, rowCoef, z, t, scale, v);
                if (g != null) System.arraycopy(out, q * v, g, r * v, v);     // the exponentials, made g_r below
            }
            if (g == null) continue;
            for (int r = r0; r < r0 + rows; r++) {                   // after the copies: toGradient may reuse out
                if (CrossEntropyKernel.isIgnored(t, r)) Arrays.fill(g, r * v, (r + 1) * v, 0f);
                else CrossEntropyKernel.toGradient(g, r, z, t, scale[r], rowMax[r], rowMin[r], rowCoef[r], v, s);
            }
        }
    }

    /**
     * {@link CrossEntropyKernel#backward} for rows [from, to) of a short V with class-index targets and no
     * (smoothing with class weights): several rows to an Exp block, dz += d_r·(coef_r·e − s_r·ε/V) over the
     * block, then each target's entry with its correction, and only rows with d_r ≠ 0 written back. The same
     * numbers as CrossEntropyKernel's gradientRow.
     */
    static void backward(int from, int to, float[] dz, float[] dy, boolean perRow, float[] z, Targets t, float[] scale,
                         float[] rowMax, float[] rowMin, float[] rowCoef, int v, Scratch s) {
        int per = 512 / v;                                            // rows of ≤ 512: Exp's sum is sumLanes
        float eps = t.smoothing(), uniform = eps / v;
        float[] w = t.weights();
        float[] in = s.exp.in, e = s.exp.out, acc = s.acc, coef = s.aux, su = s.aux2, dv = s.aux3;
        for (int r0 = from; r0 < to; r0 += per) {
            int rows = Math.min(per, to - r0), n = rows * v, at0 = r0 * v;
            int path = Exp.NARROW;
            System.arraycopy(z, at0, in, 0, n);
            boolean plain = !perRow && uniform == 0f;                 // d and su (= s·0) the same for every row
            for (int q = 0; q < rows; q++) {
                int r = r0 + q, lo = q * v, hi = lo + v;
                boolean ignored = CrossEntropyKernel.isIgnored(t, r);
                Arrays.fill(coef, lo, hi, ignored ? 0f : rowCoef[r]);
                if (!plain) {
                    Arrays.fill(dv, lo, hi, perRow ? dy[r] : dy[0]);
                    Arrays.fill(su, lo, hi, ignored ? 0f : scale[r] * uniform);
                }
                if (ignored) {
                    Arrays.fill(in, lo, hi, 0f);                      // e = 1, g = 0·1 − 0: dz += d·0
                    Arrays.fill(acc, lo, hi, 0f);
                } else {
                    Arrays.fill(acc, lo, hi, rowMax[r]);
                    path = Math.max(path, Exp.path(rowMin[r], rowMax[r]));
                }
            }
            for (int i = 0; i < n; i++) in[i] = in[i] - acc[i];
            Exp.block(s.exp, padded(in, n), 0f, path);
            System.arraycopy(dz, at0, acc, 0, n);
            if (plain) {
                float d = dy[0];
                for (int i = 0; i < n; i++) acc[i] += d * (coef[i] * e[i] - 0f);
            } else {
                for (int i = 0; i < n; i++) acc[i] += dv[i] * (coef[i] * e[i] - su[i]);
            }
            for (int q = 0; q < rows; q++) {
                int r = r0 + q, lo = q * v;
                float d = perRow ? dy[r] : dy[0];
                if (d == 0f) continue;                                // the row is skipped: dz keeps its values
                int y = t.targets()[r];
                if (!CrossEntropyKernel.isIgnored(t, r)) {
                    float sr = scale[r];
                    float gY = coef[lo] * e[lo + y] - (plain ? 0f : su[lo]);
                    gY -= sr * (1f - eps) * (w == null ? 1f : w[y]);
                    acc[lo + y] = dz[r * v + y] + d * gY;
                }
                System.arraycopy(acc, lo, dz, r * v, v);
            }
        }
    }

    /**
     * n rounded up to a multiple of 16 (whole vectors of 8 or 16 lanes: no element-by-element tail in
     * the exponentials), with in[n, padded) set to 0, whose exponentials nobody reads. n ≤ 512.
     */
    private static int padded(float[] in, int n) {
        int whole = (n + 15) & ~15;
        Arrays.fill(in, n, whole, 0f);
        return whole;
    }
}
