package dev.minitape.core.kernels;

import dev.minitape.core.kernels.reference.ReferenceAttention;

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
 * thread count. Within a pair the five products are {@link Matmul#serial} calls on strided views of the
 * operands, each whole (T rows by the keys any query sees): splitting the queries into causal blocks would skip
 * the masked triangle but leave products too small to vectorize well. The exponentials are {@link Exp}'s.
 */
public final class AttentionKernel {
    private AttentionKernel() {}

    /** Where one operand lives: array, offset of the first row, distance between rows. */
    public record Rows(float[] data, int offset, int stride) {
        int at(int b, int pos, int len, int head, int hd) {
            return offset + (b * len + pos) * stride + head * hd;
        }
    }

    /** Per thread: a block of scores (or of dP), T rows by up to S keys; the visible arguments, packed row after row. */
    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> PACKED = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<int[]> STARTS = ThreadLocal.withInitial(() -> new int[0]);

    /** This thread's buffer from {@code holder}, at least {@code size} long (grown when shorter). */
    private static float[] atLeast(ThreadLocal<float[]> holder, int size) {
        float[] buffer = holder.get();
        if (buffer.length < size) holder.set(buffer = new float[size]);
        return buffer;
    }

    /** The scores block, zeroed: the products accumulate into it. */
    private static float[] scratch(int size) {
        float[] scores = atLeast(SCORES, size);
        java.util.Arrays.fill(scores, 0, size, 0f);
        return scores;
    }

    /** Keys [0, keys) are the ones query rows before {@code end} may see. */
    private static int keysSeen(int end, int s, int past, boolean causal) {
        return causal ? Math.min(s, past + end) : s;
    }

    public static void forward(float[] y, float[] p, Rows q, Rows k, Rows v, int batch, int t, int s, int heads, int hd,
                               int past, boolean causal, float[] keyPad, float scale) {
        if (KernelTier.reference()) {
            ReferenceAttention.forward(y, p, q, k, v, batch, t, s, heads, hd, past, causal, keyPad, scale);
            return;
        }
        int c = heads * hd;
        Parallel.forRange(batch * heads, 1, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads, pAt = bh * t * s;
                int keys = keysSeen(t, s, past, causal);
                if (keys == 0) continue;                                   // nothing visible: P and Y stay 0
                // scores = Q·Kᵀ over the keys any query sees, then each row's softmax into P
                float[] sc = scratch(t * keys);
                Matmul.serial(sc, 0, keys, q.data(), q.at(b, 0, t, h, hd), q.stride(), 1,
                        k.data(), k.at(b, 0, s, h, hd), 1, k.stride(), t, hd, keys);
                softmaxBlock(p, pAt, s, sc, t, keys, past, causal, keyPad, b * s, scale);
                // Y += P·V
                Matmul.serial(y, b * t * c + h * hd, c, p, pAt, s, 1, v.data(), v.at(b, 0, s, h, hd), v.stride(), 1, t, keys, hd);
            }
        });
    }

    /**
     * Row i of P (at pAt + i·s) = softmax_j(scale·sc[i·keys + j]) over the keys j that row sees (j < visible_i,
     * not padded); the rest of the row stays 0 (p arrives zeroed), and so does a row with every key hidden.
     * Each row's arguments e^(scale·(x_j − max_i)) are packed one after another (a causal block is half masked)
     * and go through {@link Exp} in one call: per-row calls cost more in set-up than in arithmetic at these
     * lengths. Without padding every argument lies in [lowest, 0], so Exp may skip the bits such a range cannot
     * need (the same results); padded keys are −∞, which only its widest path maps to 0.
     */
    private static void softmaxBlock(float[] p, int pAt, int s, float[] sc, int t, int keys, int past, boolean causal,
                                     float[] keyPad, int padAt, float scale) {
        float[] packed = atLeast(PACKED, t * keys);
        int[] start = STARTS.get();                                    // where row i sits in packed; −1: all hidden
        if (start.length < t) STARTS.set(start = new int[t]);
        int n = 0;
        float lowest = 0f;
        for (int i = 0; i < t; i++) {
            int at = i * keys, visible = keysSeen(i + 1, s, past, causal);
            if (keyPad != null) {
                for (int j = 0; j < visible; j++) if (keyPad[padAt + j] != 0f) sc[at + j] = Float.NEGATIVE_INFINITY;
            }
            float max = Float.NEGATIVE_INFINITY, min = Float.POSITIVE_INFINITY;
            for (int j = 0; j < visible; j++) {
                max = Math.max(max, sc[at + j]);
                min = Math.min(min, sc[at + j]);
            }
            start[i] = -1;
            if (max == Float.NEGATIVE_INFINITY) continue;              // all hidden: the row stays 0
            for (int j = 0; j < visible; j++) sc[at + j] = (sc[at + j] - max) * scale;
            lowest = Math.min(lowest, (min - max) * scale);
            System.arraycopy(sc, at, packed, n, visible);
            start[i] = n;
            n += visible;
        }
        Exp.run(packed, packed, 0, n, 0f, keyPad != null ? Exp.WIDE : Exp.path(lowest, 0f));
        for (int i = 0; i < t; i++) {
            if (start[i] < 0) continue;
            int at = start[i], visible = keysSeen(i + 1, s, past, causal), row = pAt + i * s;
            double sum = Sums.sum(packed, at, visible);
            if (sum == 0) continue;
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < visible; j++) p[row + j] = packed[at + j] * inv;
        }
    }

    /**
     * Adds the gradients into dq, dk, dv (any may be null), which share the layouts of q, k, v. Per (batch,
     * head) pair, over the keys any query sees: dP = G·Vᵀ, dS_ij = P_ij·(dP_ij − Σ_k P_ik·dP_ik)·scale, then
     * dV += Pᵀ·G, dQ += dS·K, dK += dSᵀ·Q.
     */
    public static void backward(Rows dq, Rows dk, Rows dv, float[] dy, float[] p, Rows q, Rows k, Rows v,
                                int batch, int t, int s, int heads, int hd, int past, boolean causal, float scale) {
        if (KernelTier.reference()) {
            ReferenceAttention.backward(dq, dk, dv, dy, p, q, k, v, batch, t, s, heads, hd, past, causal, scale);
            return;
        }
        int c = heads * hd;
        Parallel.forRange(batch * heads, 1, (from, to) -> {
            for (int bh = from; bh < to; bh++) {
                int b = bh / heads, h = bh % heads, pAt = bh * t * s, gAt = b * t * c + h * hd;
                int keys = keysSeen(t, s, past, causal);
                if (keys == 0) continue;
                // dP = G·Vᵀ, then dS in place
                float[] ds = scratch(t * keys);
                Matmul.serial(ds, 0, keys, dy, gAt, c, 1, v.data(), v.at(b, 0, s, h, hd), 1, v.stride(), t, hd, keys);
                for (int i = 0; i < t; i++) {
                    int pr = pAt + i * s, at = i * keys, visible = keysSeen(i + 1, s, past, causal);
                    float rowDot = (float) Sums.dot(p, pr, ds, at, visible);
                    for (int j = 0; j < visible; j++) ds[at + j] = p[pr + j] * (ds[at + j] - rowDot) * scale;
                    java.util.Arrays.fill(ds, at + visible, at + keys, 0f);   // P_ij = 0 there, so dS_ij = 0
                }
                if (dv != null) {
                    Matmul.serial(dv.data(), dv.at(b, 0, s, h, hd), dv.stride(), p, pAt, 1, s, dy, gAt, c, 1, keys, t, hd);
                }
                if (dq != null) {
                    Matmul.serial(dq.data(), dq.at(b, 0, t, h, hd), dq.stride(), ds, 0, keys, 1,
                            k.data(), k.at(b, 0, s, h, hd), k.stride(), 1, t, keys, hd);
                }
                if (dk != null) {
                    Matmul.serial(dk.data(), dk.at(b, 0, s, h, hd), dk.stride(), ds, 0, 1, keys,
                            q.data(), q.at(b, 0, t, h, hd), q.stride(), 1, keys, t, hd);
                }
            }
        });
    }
}
