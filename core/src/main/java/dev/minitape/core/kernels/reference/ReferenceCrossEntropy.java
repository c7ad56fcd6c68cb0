package dev.minitape.core.kernels.reference;

import dev.minitape.core.kernels.CrossEntropyKernel.Targets;

/**
 * Cross-entropy as its formula, row by row, with {@link dev.minitape.core.kernels.CrossEntropyKernel}'s
 * contracts; that class's comment defines the target mass a_c (class index y with smoothing ε and class
 * weights w, or soft targets q), the row weight ρ, the z-loss ζ and the per-row scale s (0 for an ignored row):
 * <pre>
 *   p = softmax(z),   lse = ln Σ_j e^(z_j),   A = Σ_c a_c
 *   loss = −Σ_c a_c·log p_c + ζ·ρ·lse²          (log p_c = z_c − lse)
 *   g = s·(∂loss/∂z) = s·((A + 2ζ·ρ·lse)·p − a)
 * </pre>
 * An ignored row (class target = ignoreIndex) has loss 0, lse 0, argmax −1 and g = 0. The fast kernel's
 * per-row backward state (rowMax, rowMin, rowCoef) is not used: backward recomputes g from z.
 */
public final class ReferenceCrossEntropy {
    private ReferenceCrossEntropy() {}

    /** loss, lse, argmax of every row, and g (n×V, may alias z, may be null). */
    public static void forward(float[] loss, float[] lse, int[] argmax, float[] g, float[] z, Targets t, float[] scale,
                               int n, int v) {
        for (int r = 0; r < n; r++) {
            double[] zr = new double[v];
            for (int j = 0; j < v; j++) zr[j] = z[r * v + j];                 // read before g (which may be z) is written
            boolean ignored = t.targets() != null && t.targets()[r] == t.ignoreIndex();
            double[] p = ReferenceSoftmax.probabilities(zr), a = ignored ? new double[v] : targetMass(t, r, v);
            double logSumExp = ReferenceSoftmax.logSumExp(zr), mass = 0, nll = 0;
            for (int c = 0; c < v; c++) {
                mass += a[c];
                if (a[c] != 0) nll -= a[c] * (zr[c] - logSumExp);
            }
            double rho = t.soft() == null && t.weights() != null && !ignored ? t.weights()[t.targets()[r]] : 1;
            loss[r] = ignored ? 0f : (float) (nll + t.zLoss() * rho * logSumExp * logSumExp);
            lse[r] = ignored ? 0f : (float) logSumExp;
            argmax[r] = ignored ? -1 : firstMax(zr);
            if (g == null) continue;
            double coef = ignored ? 0 : mass + 2 * t.zLoss() * rho * logSumExp;
            for (int j = 0; j < v; j++) g[r * v + j] = ignored ? 0f : (float) (scale[r] * (coef * p[j] - a[j]));
        }
    }

    /** dz += d_r·g_r with d_r = dy[r] when perRow, else dy[0]; g null: recomputed from z. */
    public static void backward(float[] dz, float[] dy, boolean perRow, float[] z, Targets t, float[] scale,
                                int n, int v, float[] g) {
        if (g == null) forward(new float[n], new float[n], new int[n], g = new float[n * v], z, t, scale, n, v);
        for (int r = 0; r < n; r++) {
            float d = perRow ? dy[r] : dy[0];
            for (int j = r * v; j < (r + 1) * v; j++) dz[j] += d * g[j];
        }
    }

    /** a_c = w_c·((1 − ε)·[c = y] + ε/V) for a class index y, a_c = w_c·((1 − ε)·q_c + ε/V) for soft targets q. */
    private static double[] targetMass(Targets t, int r, int v) {
        double eps = t.smoothing();
        double[] a = new double[v];
        for (int c = 0; c < v; c++) {
            double target = t.soft() != null ? t.soft()[r * v + c] : c == t.targets()[r] ? 1 : 0;
            a[c] = (t.weights() == null ? 1 : t.weights()[c]) * ((1 - eps) * target + eps / v);
        }
        return a;
    }

    /** The first index of the row's largest value, NaNs skipped (0 for a row of −∞ or NaN). */
    private static int firstMax(double[] z) {
        int best = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < z.length; j++) {
            if (z[j] > max) {
                max = z[j];
                best = j;
            }
        }
        return best;
    }
}
