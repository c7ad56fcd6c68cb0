package dev.minitape.core.kernels.reference;

import dev.minitape.core.kernels.AttentionKernel.Rows;

/**
 * Scaled dot-product attention as the composite of its parts, one (batch, head) pair at a time, with
 * {@link dev.minitape.core.kernels.AttentionKernel}'s layouts and contracts (y and p are written; dq, dk, dv
 * are added into and may be null):
 * <pre>
 *   S = Q·Kᵀ·scale,   S_ij = −∞ where key j is hidden,   P = softmax_j(S),   Y = P·V
 *   dV = Pᵀ·G,   dP = G·Vᵀ,   dS_ij = P_ij·(dP_ij − Σ_k P_ik·dP_ik),   dQ = dS·K·scale,   dK = dSᵀ·Q·scale
 * </pre>
 * Key j is hidden from query i when causal and j > past + i, or when keyPad[b][j] = 1. A query with every
 * key hidden gets a zero row of P, so its output is 0.
 */
public final class ReferenceAttention {
    private ReferenceAttention() {}

    public static void forward(float[] y, float[] p, Rows q, Rows k, Rows v, int batch, int t, int s, int heads, int hd,
                               int past, boolean causal, float[] keyPad, float scale) {
        if (t == 0 || s == 0) return;                                          // no query or no key: Y and P stay 0
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                double[][] qh = head(q, b, t, h, hd), kh = head(k, b, s, h, hd), vh = head(v, b, s, h, hd);
                double[][] scores = times(qh, transpose(kh), s);
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < s; j++) {
                        boolean hidden = (causal && j > past + i) || (keyPad != null && keyPad[b * s + j] != 0f);
                        scores[i][j] = hidden ? Double.NEGATIVE_INFINITY : scores[i][j] * scale;
                    }
                    scores[i] = ReferenceSoftmax.probabilities(scores[i]);          // now row i of P
                    for (int j = 0; j < s; j++) p[((b * heads + h) * t + i) * s + j] = (float) scores[i][j];
                }
                double[][] out = times(scores, vh, hd);
                for (int i = 0; i < t; i++) {
                    for (int d = 0; d < hd; d++) y[(b * t + i) * heads * hd + h * hd + d] = (float) out[i][d];
                }
            }
        }
    }

    public static void backward(Rows dq, Rows dk, Rows dv, float[] dy, float[] p, Rows q, Rows k, Rows v,
                                int batch, int t, int s, int heads, int hd, int past, boolean causal, float scale) {
        if (t == 0 || s == 0) return;
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                double[][] qh = head(q, b, t, h, hd), kh = head(k, b, s, h, hd), vh = head(v, b, s, h, hd);
                double[][] g = head(new Rows(dy, 0, heads * hd), b, t, h, hd), probs = new double[t][s];
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < s; j++) probs[i][j] = p[((b * heads + h) * t + i) * s + j];
                }
                double[][] dProbs = times(g, transpose(vh), s), dScores = new double[t][s];
                for (int i = 0; i < t; i++) {
                    double rowDot = 0;
                    for (int j = 0; j < s; j++) rowDot += probs[i][j] * dProbs[i][j];
                    for (int j = 0; j < s; j++) dScores[i][j] = probs[i][j] * (dProbs[i][j] - rowDot) * scale;
                }
                if (dv != null) addInto(dv, b, s, h, hd, times(transpose(probs), g, hd));
                if (dq != null) addInto(dq, b, t, h, hd, times(dScores, kh, hd));
                if (dk != null) addInto(dk, b, s, h, hd, times(transpose(dScores), qh, hd));
            }
        }
    }

    /** Head h of batch entry b: len rows of hd numbers, row i at data[offset + (b·len + i)·stride + h·hd]. */
    private static double[][] head(Rows rows, int b, int len, int h, int hd) {
        double[][] m = new double[len][hd];
        for (int i = 0; i < len; i++) {
            for (int d = 0; d < hd; d++) m[i][d] = rows.data()[rows.offset() + (b * len + i) * rows.stride() + h * hd + d];
        }
        return m;
    }

    /** The head's rows += m, in head's layout. */
    private static void addInto(Rows rows, int b, int len, int h, int hd, double[][] m) {
        for (int i = 0; i < len; i++) {
            for (int d = 0; d < hd; d++) rows.data()[rows.offset() + (b * len + i) * rows.stride() + h * hd + d] += (float) m[i][d];
        }
    }

    /** x·y with {@code cols} columns, said rather than read off y, which has no row to read it from when x has no column (hd = 0). */
    private static double[][] times(double[][] x, double[][] y, int cols) {
        double[][] out = new double[x.length][cols];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < out[i].length; j++) {
                for (int l = 0; l < y.length; l++) out[i][j] += x[i][l] * y[l][j];
            }
        }
        return out;
    }

    private static double[][] transpose(double[][] x) {
        double[][] out = new double[x.length == 0 ? 0 : x[0].length][x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) out[j][i] = x[i][j];
        }
        return out;
    }
}
