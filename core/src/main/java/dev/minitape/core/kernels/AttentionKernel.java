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
            float[] row = new float[s];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                for (int i = 0; i < t; i++) {
                    int qi = q.at(b, i, t, h, hd);
                    int visible = causal ? Math.min(s, past + i + 1) : s;
                    // scores of visible keys; masked keys are −∞
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < s; j++) {
                        if (j >= visible || keyPad != null && keyPad[b * s + j] != 0f) {
                            row[j] = Float.NEGATIVE_INFINITY;
                            continue;
                        }
                        int kj = k.at(b, j, s, h, hd);
                        float dot = 0f;
                        for (int d = 0; d < hd; d++) dot += q.data()[qi + d] * k.data()[kj + d];
                        row[j] = dot * scale;
                        max = Math.max(max, row[j]);
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

    /** Adds the gradients into dq, dk, dv (any may be null), which share the layouts of q, k, v. */
    public static void backward(Rows dq, Rows dk, Rows dv, float[] dy, float[] p, Rows q, Rows k, Rows v,
                                int batch, int t, int s, int heads, int hd, float scale) {
        int c = heads * hd;
        Parallel.forRange(batch * heads, 1, (from, to) -> {
            float[] dp = new float[s];
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                for (int i = 0; i < t; i++) {
                    int pRow = (bh * t + i) * s, yRow = (b * t + i) * c + h * hd;
                    // dP_ij = G_i·V_j and the row's Σ_j P_ij·dP_ij; dV_j += P_ij·G_i
                    double dot = 0;
                    for (int j = 0; j < s; j++) {
                        float pj = p[pRow + j];
                        if (pj == 0f) {
                            dp[j] = 0f;
                            continue;
                        }
                        int vj = v.at(b, j, s, h, hd);
                        float g = 0f;
                        for (int d = 0; d < hd; d++) g += dy[yRow + d] * v.data()[vj + d];
                        dp[j] = g;
                        dot += (double) pj * g;
                        if (dv != null) {
                            int dvj = dv.at(b, j, s, h, hd);
                            for (int d = 0; d < hd; d++) dv.data()[dvj + d] += pj * dy[yRow + d];
                        }
                    }
                    float rowDot = (float) dot;
                    int qi = q.at(b, i, t, h, hd);
                    int dqi = dq == null ? 0 : dq.at(b, i, t, h, hd);
                    for (int j = 0; j < s; j++) {
                        float pj = p[pRow + j];
                        if (pj == 0f) continue;
                        float ds = pj * (dp[j] - rowDot) * scale;        // dS_ij, with the score's scale
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
