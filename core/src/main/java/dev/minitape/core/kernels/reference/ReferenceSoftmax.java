package dev.minitape.core.kernels.reference;

/**
 * Softmax and log-softmax along one dim of a tensor viewed as (outer, D, inner), with
 * {@link dev.minitape.core.kernels.SoftmaxKernel}'s contracts: each row (o, i) is gathered into a double
 * array, transformed by the formula, and scattered back.
 * <pre>
 *   softmax:      y_d = e^(x_d − m) / Σ_j e^(x_j − m)          (m = max_j x_j: no e^x overflows)
 *   log-softmax:  y_d = x_d − lse,   lse = m + ln Σ_j e^(x_j − m)
 *   backward:     softmax dx_d += y_d·(dy_d − Σ_j dy_j·y_j);   log-softmax dx_d += dy_d − e^(y_d)·Σ_j dy_j
 * </pre>
 */
public final class ReferenceSoftmax {
    private ReferenceSoftmax() {}

    public static void forward(float[] y, float[] x, int outer, int len, int inner, boolean log) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                double[] row = gather(x, base, len, inner);
                double lse = logSumExp(row);
                double[] p = probabilities(row);
                for (int d = 0; d < len; d++) y[base + d * inner] = (float) (log ? row[d] - lse : p[d]);
            }
        }
    }

    public static void backward(float[] dx, float[] dy, float[] y, int outer, int len, int inner, boolean log) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                double[] g = gather(dy, base, len, inner), out = gather(y, base, len, inner);
                double dot = 0;
                for (int d = 0; d < len; d++) dot += log ? g[d] : g[d] * out[d];
                for (int d = 0; d < len; d++) {
                    dx[base + d * inner] += (float) (log ? g[d] - Math.exp(out[d]) * dot : out[d] * (g[d] - dot));
                }
            }
        }
    }

    /** p_j = e^(z_j − m) / Σ_k e^(z_k − m); a row whose every entry is −∞ gives zeros (nothing to attend to). */
    public static double[] probabilities(double[] z) {
        double m = max(z), sum = 0;
        double[] p = new double[z.length];
        if (m == Double.NEGATIVE_INFINITY) return p;
        for (int j = 0; j < z.length; j++) sum += p[j] = Math.exp(z[j] - m);
        for (int j = 0; j < z.length; j++) p[j] /= sum;
        return p;
    }

    /** lse = m + ln Σ_j e^(z_j − m) = ln Σ_j e^(z_j); for an all −∞ row, ln Σ e^(z_j − 0). */
    public static double logSumExp(double[] z) {
        double m = max(z), sum = 0;
        if (m == Double.NEGATIVE_INFINITY) m = 0;
        for (double zj : z) sum += Math.exp(zj - m);
        return m + Math.log(sum);
    }

    private static double max(double[] z) {
        double m = Double.NEGATIVE_INFINITY;
        for (double zj : z) m = Math.max(m, zj);
        return m;
    }

    private static double[] gather(float[] x, int base, int len, int inner) {
        double[] row = new double[len];
        for (int d = 0; d < len; d++) row[d] = x[base + d * inner];
        return row;
    }
}
