package dev.minitape.core.kernels;

/**
 * Scaled dot-product attention for every (batch, head) pair, reading queries, keys and values straight
 * from the projections' output rows (so no head split or transpose is ever copied into a tensor):
 * <pre>
 *   S = Q·Kᵀ·scale,  S_ij = −∞ where masked,  P = softmax_j(S),  Y = P·V
 * </pre>
 * and the backward pass, with G = dY:
 * <pre>
 *   dV = Pᵀ·G,  dP = G·Vᵀ,  dS_ij = P_ij·(dP_ij − Σ_k P_ik·dP_ik),  dQ = dS·K·scale,  dK = dSᵀ·Q·scale
 * </pre>
 * Layouts. A row of Q for batch b, position i is at {@code q[qOff + (b·T + i)·qStride ..]}; head h's
 * slice of it starts at {@code h·hd}. K and V likewise with S positions. Y is (B, T, H·hd). P, kept for
 * the backward pass, is (B, H, T, S). Query i sits at absolute position {@code past + i}; causal masking
 * hides keys after it; keyPad (B, S), when given, hides keys marked 1. A query with every key hidden
 * attends to none: its row of P is 0 and its output 0.
 *
 * <p>Work splits over (batch, head) pairs, whose outputs are disjoint, so results are the same for any
 * thread count.
 */
public final class AttentionKernel {
    private AttentionKernel() {}

    /** Where one operand lives: array, offset of the first row, distance between rows. */
    public record Rows(float[] data, int offset, int stride) {
        int at(int b, int pos, int len, int head, int hd) {
            return offset + (b * len + pos) * stride + head * hd;
        }
    }

    public static void forward(float[] y, float[] p, Rows q, Rows k, Rows v, int batch, int t, int s, int heads, int hd,
                               int past, boolean causal, float[] keyPad, float scale) {
        int c = heads * hd;
        Parallel.forRange(batch * heads, 1, (from, to) -> {
            float[] row = new float[s], kT = new float[hd * s];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                transpose(kT, k, b, s, h, hd);
                for (int i = 0; i < t; i++) {
                    int qi = q.at(b, i, t, h, hd);
                    int visible = causal ? Math.min(s, past + i + 1) : s;
                    // row_j = scale·Σ_d q_id·k_jd, summed over d with j innermost (contiguous in kT)
                    java.util.Arrays.fill(row, 0, visible, 0f);
                    for (int d = 0; d < hd; d++) {
                        float qd = q.data()[qi + d] * scale;
                        int at = d * s;
                        for (int j = 0; j < visible; j++) row[j] += qd * kT[at + j];
                    }
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < s; j++) {
                        if (j >= visible || keyPad != null && keyPad[b * s + j] != 0f) row[j] = Float.NEGATIVE_INFINITY;
                        else max = Math.max(max, row[j]);
                    }
                    int pRow = (bh * t + i) * s, yRow = (b * t + i) * c + h * hd;
                    if (max == Float.NEGATIVE_INFINITY) continue;      // nothing visible: P and Y stay 0
                    double sum = 0;
                    for (int j = 0; j < s; j++) {
                        float e = row[j] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(row[j] - max);
                        row[j] = e;
                        sum += e;
                    }
                    float inv = (float) (1.0 / sum);
                    for (int j = 0; j < s; j++) {
                        float pj = row[j] * inv;
                        p[pRow + j] = pj;
                        if (pj == 0f) continue;
                        int vj = v.at(b, j, s, h, hd);
                        for (int d = 0; d < hd; d++) y[yRow + d] += pj * v.data()[vj + d];
                    }
                }
            }
        });
    }

    /** xT[d·s + j] = head h's column d of row j of x (batch b), so loops over j run contiguously. */
    private static void transpose(float[] xT, Rows x, int b, int s, int h, int hd) {
        for (int j = 0; j < s; j++) {
            int at = x.at(b, j, s, h, hd);
            for (int d = 0; d < hd; d++) xT[d * s + j] = x.data()[at + d];
        }
    }

    /**
     * Adds the gradients into dq, dk, dv (any may be null), which share the layouts of q, k, v. Per query
     * row i: dP_i = G_i·Vᵀ (over a transposed copy of V, so the loop runs along keys), then for each
     * visible key j: dV_j += P_ij·G_i, dS_ij = P_ij·(dP_ij − Σ_k P_ik·dP_ik)·scale, dQ_i += dS_ij·K_j,
     * dK_j += dS_ij·Q_i.
     */
    public static void backward(Rows dq, Rows dk, Rows dv, float[] dy, float[] p, Rows q, Rows k, Rows v,
                                int batch, int t, int s, int heads, int hd, float scale) {
        int c = heads * hd;
        Parallel.forRange(batch * heads, 1, (from, to) -> {
            float[] dp = new float[s], vT = new float[hd * s];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                transpose(vT, v, b, s, h, hd);
                for (int i = 0; i < t; i++) {
                    int pRow = (bh * t + i) * s, yRow = (b * t + i) * c + h * hd;
                    java.util.Arrays.fill(dp, 0f);
                    for (int d = 0; d < hd; d++) {
                        float g = dy[yRow + d];
                        int at = d * s;
                        for (int j = 0; j < s; j++) dp[j] += g * vT[at + j];
                    }
                    double dot = 0;
                    for (int j = 0; j < s; j++) dot += (double) p[pRow + j] * dp[j];
                    float rowDot = (float) dot;
                    int qi = q.at(b, i, t, h, hd);
                    int dqi = dq == null ? 0 : dq.at(b, i, t, h, hd);
                    for (int j = 0; j < s; j++) {
                        float pj = p[pRow + j];
                        if (pj == 0f) continue;
                        if (dv != null) {
                            int dvj = dv.at(b, j, s, h, hd);
                            for (int d = 0; d < hd; d++) dv.data()[dvj + d] += pj * dy[yRow + d];
                        }
                        float ds = pj * (dp[j] - rowDot) * scale;
                        int kj = k.at(b, j, s, h, hd);
                        if (dq != null) for (int d = 0; d < hd; d++) dq.data()[dqi + d] += ds * k.data()[kj + d];
                        if (dk != null) {
                            int dkj = dk.at(b, j, s, h, hd);
                            for (int d = 0; d < hd; d++) dk.data()[dkj + d] += ds * q.data()[qi + d];
                        }
                    }
                }
            }
        });
    }
}
