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
 * thread count. Within a pair the products are {@link Matmul#serial} calls on strided views of the operands,
 * one block of QB query rows at a time; with a causal mask a block's products stop at the last key its last
 * row sees, so the masked upper triangle is (mostly) never computed. The exponentials are {@link Exp}'s.
 */
public final class AttentionKernel {
    private AttentionKernel() {}

    /** Query rows per block: a multiple of the matmul micro-kernel's 3 rows. */
    private static final int QB = 30;

    /** Where one operand lives: array, offset of the first row, distance between rows. */
    public record Rows(float[] data, int offset, int stride) {
        int at(int b, int pos, int len, int head, int hd) {
            return offset + (b * len + pos) * stride + head * hd;
        }
    }

    /** A per-thread block of scores (or of dP), QB rows by up to s keys. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private static float[] scratch(int size) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < size) holder[0] = new float[size];
        java.util.Arrays.fill(holder[0], 0, size, 0f);
        return holder[0];
    }

    /** Keys [0, keys) are the ones query rows before {@code end} may see. */
    private static int keysSeen(int end, int s, int past, boolean causal) {
        return causal ? Math.min(s, past + end) : s;
    }

    public static void forward(float[] y, float[] p, Rows q, Rows k, Rows v, int batch, int t, int s, int heads, int hd,
                               int past, boolean causal, float[] keyPad, float scale) {
        int c = heads * hd;
        Parallel.forRange(batch * heads, 1, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                for (int i0 = 0; i0 < t; i0 += QB) {
                    int rows = Math.min(QB, t - i0), keys = keysSeen(i0 + rows, s, past, causal);
                    if (keys == 0) continue;                           // nothing visible: P and Y stay 0
                    // scores = Q·Kᵀ for the block's rows and the keys they may see
                    float[] sc = scratch(rows * keys);
                    Matmul.serial(sc, 0, keys, q.data(), q.at(b, i0, t, h, hd), q.stride(), 1,
                            k.data(), k.at(b, 0, s, h, hd), 1, k.stride(), rows, hd, keys);
                    for (int r = 0; r < rows; r++) {
                        int i = i0 + r, visible = keysSeen(i + 1, s, past, causal), at = r * keys;
                        softmaxRow(p, (bh * t + i) * s, sc, at, keys, visible, keyPad, b * s, scale);
                    }
                    // Y += P·V
                    Matmul.serial(y, (b * t + i0) * c + h * hd, c, p, (bh * t + i0) * s, s, 1,
                            v.data(), v.at(b, 0, s, h, hd), v.stride(), 1, rows, keys, hd);
                }
            }
        });
    }

    /**
     * p[pAt + j] = softmax_j(scale·sc[at + j]) over the visible, unpadded keys j < keys; hidden keys get 0,
     * and a row with every key hidden stays all 0.
     */
    private static void softmaxRow(float[] p, int pAt, float[] sc, int at, int keys, int visible, float[] keyPad,
                                   int padAt, float scale) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < keys; j++) {
            boolean hidden = j >= visible || keyPad != null && keyPad[padAt + j] != 0f;
            float x = hidden ? Float.NEGATIVE_INFINITY : sc[at + j] * scale;
            sc[at + j] = x;
            max = Math.max(max, x);
        }
        if (max == Float.NEGATIVE_INFINITY) return;
        double sum = Exp.expShifted(sc, sc, at, keys, max);            // e^−∞ = 0 exactly
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < keys; j++) p[pAt + j] = sc[at + j] * inv;
    }

    /**
     * Adds the gradients into dq, dk, dv (any may be null), which share the layouts of q, k, v. Per block of
     * query rows and the keys they see: dP = G·Vᵀ, dS_ij = P_ij·(dP_ij − Σ_k P_ik·dP_ik)·scale, then
     * dV += Pᵀ·G, dQ += dS·K, dK += dSᵀ·Q.
     */
    public static void backward(Rows dq, Rows dk, Rows dv, float[] dy, float[] p, Rows q, Rows k, Rows v,
                                int batch, int t, int s, int heads, int hd, int past, boolean causal, float scale) {
        int c = heads * hd;
        Parallel.forRange(batch * heads, 1, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads;
                for (int i0 = 0; i0 < t; i0 += QB) {
                    int rows = Math.min(QB, t - i0), keys = keysSeen(i0 + rows, s, past, causal);
                    if (keys == 0) continue;
                    int pAt = (bh * t + i0) * s, gAt = (b * t + i0) * c + h * hd;
                    float[] ds = scratch(rows * keys);
                    Matmul.serial(ds, 0, keys, dy, gAt, c, 1, v.data(), v.at(b, 0, s, h, hd), 1, v.stride(), rows, hd, keys);
                    for (int r = 0; r < rows; r++) {
                        int pr = pAt + r * s, at = r * keys;
                        double dot = 0;
                        for (int j = 0; j < keys; j++) dot += (double) p[pr + j] * ds[at + j];
                        float rowDot = (float) dot;
                        for (int j = 0; j < keys; j++) ds[at + j] = p[pr + j] * (ds[at + j] - rowDot) * scale;
                    }
                    if (dv != null) {
                        Matmul.serial(dv.data(), dv.at(b, 0, s, h, hd), dv.stride(), p, pAt, 1, s,
                                dy, gAt, c, 1, keys, rows, hd);
                    }
                    if (dq != null) {
                        Matmul.serial(dq.data(), dq.at(b, i0, t, h, hd), dq.stride(), ds, 0, keys, 1,
                                k.data(), k.at(b, 0, s, h, hd), k.stride(), 1, rows, keys, hd);
                    }
                    if (dk != null) {
                        Matmul.serial(dk.data(), dk.at(b, 0, s, h, hd), dk.stride(), ds, 0, 1, keys,
                                q.data(), q.at(b, i0, t, h, hd), q.stride(), 1, keys, rows, hd);
                    }
                }
            }
        });
    }
}
