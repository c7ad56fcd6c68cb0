package dev.minitape.core.kernels;

import dev.minitape.core.kernels.reference.ReferenceCrossEntropy;
import java.util.Arrays;

/**
 * The fused log-softmax + negative log-likelihood over rows of logits z (n rows × V classes).
 *
 * <p>Each row r has a target mass a_c ≥ 0 over the classes, built from its target:
 * <pre>
 *   class index y, smoothing ε, class weights w (1 when absent):  a_c = w_c·((1 − ε)·[c = y] + ε/V)
 *   soft target q (a distribution over the classes):              a_c = w_c·((1 − ε)·q_c + ε/V)
 * </pre>
 * and with A = Σ_c a_c, lse = log Σ_j e^(z_j), p = softmax(z), row weight ρ and z-loss coefficient ζ:
 * <pre>
 *   loss_r = Σ_c a_c·(lse − z_c) + ζ·ρ·lse²  =  A·lse − Σ_c a_c·z_c + ζ·ρ·lse²
 *   ∂loss_r/∂z_j = (A + 2ζ·ρ·lse)·p_j − a_j
 * </pre>
 * The caller folds the reduction into a per-row scale s_r (1/W for a mean over denominator W, 0 for an
 * ignored row), and the gradient is g_rj = s_r·∂loss_r/∂z_j, so for a scalar loss L = Σ_r s_r·loss_r the
 * logits' gradient is dL·g. In floats: g_rj = coef_r·e_rj − s_r·a_rj with e_rj = e^(z_rj − m_r) (m_r the row
 * max, e from {@link Exp}) and coef_r = s_r·(A + 2ζρ·lse)/Σ_j e_rj. Ignored rows (s_r = 0 with a class-index
 * target equal to ignoreIndex) get loss 0 and a zero gradient row.
 *
 * <p>Stability: the row max m is subtracted before exponentiating (lse = m + log Σ e^(z_j − m)), sums
 * over V accumulate in double (Exp's sums: Kahan float lanes, then double). The forward sweep reads each
 * logit twice (the max, then the exponentials; a row of 32768 floats stays in L2 between the two) and keeps
 * m_r and coef_r per row, and, when the caller passes a buffer, the gradient g itself: each row's
 * exponentials are written there and turned into g_r while the row is still in cache, so one exponential per
 * logit is the budget and the backward pass ({@link #backward}) only adds dL·g, or the caller hands g over as
 * the logits' gradient when dL = 1 and there is none yet (reading the logits once and writing g once, the
 * memory floor). Without the buffer (the chunked linear + cross-entropy, which must not hold n×V floats) the
 * backward re-reads each logit and recomputes e_rj, the same bits as the forward's. {@link #rows}
 * materializes g for callers that want it.
 *
 * <p>Vectorization: by the rule in package-info, row blocks are copied into per-thread scratch (L1-sized)
 * and the loops run there. The max sweep also finds
 * each row's min, which tells Exp how many exponent bits the row needs (a short path gives the same bits).
 * Rows of at most {@link CrossEntropyShortRows#MAX_CLASSES} classes share Exp blocks, several rows to a
 * block ({@link CrossEntropyShortRows}); every number is the one the row-at-a-time sweep gives. {@link #rows} zeroes the gradient rows of ignored targets, so a g that aliases
 * z (LinearCrossEntropy) gets them zero too.
 */
public final class CrossEntropyKernel {
    private CrossEntropyKernel() {}

    /** What the caller knows about the targets of every row. Exactly one of targets and soft is set. */
    public record Targets(int[] targets, float[] soft, float[] weights, float smoothing, int ignoreIndex, float zLoss) {}

    private static final int BLOCK = Exp.BLOCK;

    /** Per-thread scratch on top of Exp's: max and min lanes, a gradient block and per-element row data. */
    static final class Scratch {
        final Exp.Scratch exp = Exp.scratch();
        final float[] lanes = new float[BLOCK], low = new float[BLOCK];
        final float[] acc = new float[BLOCK], aux = new float[BLOCK], aux2 = new float[BLOCK], aux3 = new float[BLOCK];
        float min;                                                    // the last argmaxOf row's minimum
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Computes rows [0, n): loss[r] (unscaled), lse[r], argmax[r] (the predicted class), and, when g is
     * not null, the scaled gradient g (n×V). Rows run in parallel; each row's result depends on that row
     * alone, so the output is the same for any thread count.
     */
    public static void rows(float[] loss, float[] lse, int[] argmax, float[] g, float[] z, Targets t, float[] scale,
                            int n, int v) {
        if (KernelTier.reference()) {
            ReferenceCrossEntropy.forward(loss, lse, argmax, g, z, t, scale, n, v);
            return;
        }
        float[] rowMax = new float[n], rowMin = new float[n], rowCoef = new float[n];
        forward(loss, lse, argmax, rowMax, rowMin, rowCoef, z, t, scale, n, v, null);
        if (g == null) return;
        Parallel.forRange(n, minRows(v), (from, to) -> {
            Scratch s = SCRATCH.get();
            for (int r = from; r < to; r++) {
                if (isIgnored(t, r)) {                                // a zero row, even when g aliases z
                    Arrays.fill(g, r * v, (r + 1) * v, 0f);
                    continue;
                }
                gradientRow(g, false, 1f, r, z, null, t, scale[r], rowMax[r], rowMin[r], rowCoef[r], v, s);
            }
        });
    }

    /**
     * The forward sweep of rows [0, n): loss[r] (unscaled), lse[r], argmax[r] (−1 for an ignored row), and
     * what {@link #backward} needs: the row max m_r, a lower bound of the row (its min, or for short rows its
     * block's; a narrow row lets Exp skip work) and
     * coef_r = s_r·(A + 2ζρ·lse)/Σ_j e^(z_j − m_r). When g is not null it receives the gradient g (n×V, zero
     * rows for ignored targets; the bits of {@link #rows}) for {@link #backward}. g must not alias z.
     */
    public static void forward(float[] loss, float[] lse, int[] argmax, float[] rowMax, float[] rowMin, float[] rowCoef,
                               float[] z, Targets t, float[] scale, int n, int v, float[] g) {
        if (KernelTier.reference()) {
            ReferenceCrossEntropy.forward(loss, lse, argmax, g, z, t, scale, n, v);
            return;
        }
        Parallel.forRange(n, minRows(v), (from, to) -> {
            Scratch s = SCRATCH.get();
            if (v <= CrossEntropyShortRows.MAX_CLASSES) {
                CrossEntropyShortRows.forward(from, to, loss, lse, argmax, rowMax, rowMin, rowCoef, z, t, scale, v, s, g);
                return;
            }
            for (int r = from; r < to; r++) forwardRow(r, loss, lse, argmax, rowMax, rowMin, rowCoef, z, t, scale, v, s, g);
        });
    }

    /**
     * dz += d_r·g_r for every row, with d_r = dy[r] when perRow, else dy[0]; a row with d_r = 0 is skipped.
     * rowMax, rowMin and rowCoef come from {@link #forward} on the same z; the result is bit-for-bit what
     * adding d_r times the g of {@link #rows} gives. g: the forward's gradient (see {@link #forward}), or
     * null to recompute it from z.
     */
    public static void backward(float[] dz, float[] dy, boolean perRow, float[] z, Targets t, float[] scale,
                                float[] rowMax, float[] rowMin, float[] rowCoef, int n, int v, float[] g) {
        if (KernelTier.reference()) {
            ReferenceCrossEntropy.backward(dz, dy, perRow, z, t, scale, n, v, g);
            return;
        }
        Parallel.forRange(n, minRows(v), (from, to) -> {
            if (g != null) {
                addScaledRows(dz, dy, perRow, g, from, to, v);
                return;
            }
            Scratch s = SCRATCH.get();
            if (v <= CrossEntropyShortRows.MAX_CLASSES && t.soft == null && !(t.smoothing > 0f && t.weights != null)) {
                CrossEntropyShortRows.backward(from, to, dz, dy, perRow, z, t, scale, rowMax, rowMin, rowCoef, v, s);
                return;
            }
            for (int r = from; r < to; r++) {
                float d = perRow ? dy[r] : dy[0];
                if (d == 0f) continue;
                if (isIgnored(t, r)) {
                    addConstant(dz, r * v, v, d * 0f);                // g's row is zero: dz += d·0
                } else {
                    gradientRow(dz, true, d, r, z, null, t, scale[r], rowMax[r], rowMin[r], rowCoef[r], v, s);
                }
            }
        });
    }


    /** dz_r += d_r·g_r for rows [from, to), d_r = dy[r] when perRow, else dy[0]; rows with d_r = 0 are skipped. */
    private static void addScaledRows(float[] dz, float[] dy, boolean perRow, float[] g, int from, int to, int v) {
        for (int r = from; r < to; r++) {
            float d = perRow ? dy[r] : dy[0];
            if (d == 0f) continue;
            for (int i = r * v, end = i + v; i < end; i++) dz[i] += d * g[i];
        }
    }

    private static int minRows(int v) {
        return Math.max(1, (1 << 15) / Math.max(1, v));
    }

    static boolean isIgnored(Targets t, int r) {
        return t.targets != null && t.targets[r] == t.ignoreIndex;
    }

    private static void forwardRow(int r, float[] loss, float[] lse, int[] argmax, float[] rowMax, float[] rowMin,
                                   float[] rowCoef, float[] z, Targets t, float[] scale, int v, Scratch s, float[] g) {
        int at = r * v;
        if (isIgnored(t, r)) {
            ignoredRow(r, loss, lse, argmax, rowMax, rowMin, rowCoef);
            if (g != null) Arrays.fill(g, at, at + v, 0f);
            return;
        }
        // Sweep 1: the max (and its first index) and Σ_c a_c·z_c with A = Σ_c a_c.
        int best = argmaxOf(z, at, v, s);
        float max = best < 0 ? Float.NEGATIVE_INFINITY : z[at + best];
        if (best < 0) best = 0;
        // Sweep 2: the exponentials' sum (and the exponentials themselves into g's row, turned into g_r in place
        // while the row is in cache).
        double sum = Exp.run(g, z, at, v, max, Exp.path(s.min, max));
        finishRow(r, best, max, s.min, sum, loss, lse, argmax, rowMax, rowMin, rowCoef, z, t, scale, v);
        if (g != null) toGradient(g, r, z, t, scale[r], max, s.min, rowCoef[r], v, s);
    }

    /**
     * Turns row r of g from the exponentials e_j into g_j = coef·e_j − s·a_j in place: gradientRow's float
     * operations, in one pass over the row when the targets are class indices without (smoothing and class
     * weights), the common case.
     */
    static void toGradient(float[] g, int r, float[] z, Targets t, float s, float max, float min, float coef,
                                   int v, Scratch sc) {
        float eps = t.smoothing;
        float[] w = t.weights;
        if (t.soft != null || (eps > 0f && w != null)) {
            gradientRow(g, false, 1f, r, z, g, t, s, max, min, coef, v, sc);
            return;
        }
        float su = s * (eps / v);
        int at = r * v, y = t.targets[r];
        for (int i = at, end = at + v; i < end; i++) g[i] = coef * g[i] - su;
        g[at + y] -= s * (1f - eps) * (w == null ? 1f : w[y]);
    }

    /** The row's loss, lse, argmax and backward state, given its max, min and Σ e^(z_j − max). */
    static void finishRow(int r, int best, float max, float min, double sum, float[] loss, float[] lse,
                                  int[] argmax, float[] rowMax, float[] rowMin, float[] rowCoef, float[] z, Targets t,
                                  float[] scale, int v) {
        int at = r * v;
        int y = t.targets == null ? -1 : t.targets[r];
        double massDotZ, mass;
        float eps = t.smoothing, uniform = eps / v;
        float[] w = t.weights;
        if (t.soft != null) {
            double dot = 0, total = 0;
            for (int j = 0; j < v; j++) {
                double a = (w == null ? 1f : w[j]) * ((1f - eps) * t.soft[at + j] + uniform);
                dot += a * z[at + j];
                total += a;
            }
            massDotZ = dot;
            mass = total;
        } else {
            float wy = w == null ? 1f : w[y];
            massDotZ = (1f - eps) * wy * (double) z[at + y];
            mass = (1f - eps) * wy;
            if (eps > 0f) {
                double dot = 0, total = 0;
                for (int j = 0; j < v; j++) {
                    float wj = w == null ? 1f : w[j];
                    dot += (double) wj * z[at + j];
                    total += wj;
                }
                massDotZ += uniform * dot;
                mass += uniform * total;
            }
        }
        double logSumExp = max + Math.log(sum);
        float rowWeight = t.soft != null || w == null ? 1f : w[y];
        loss[r] = (float) (mass * logSumExp - massDotZ + t.zLoss * rowWeight * logSumExp * logSumExp);
        lse[r] = (float) logSumExp;
        argmax[r] = best;
        rowMax[r] = max;
        rowMin[r] = min;
        rowCoef[r] = (float) (scale[r] * (mass + 2.0 * t.zLoss * rowWeight * logSumExp) / sum);
    }

    static void ignoredRow(int r, float[] loss, float[] lse, int[] argmax, float[] rowMax, float[] rowMin,
                                   float[] rowCoef) {
        loss[r] = 0f;
        lse[r] = 0f;
        argmax[r] = -1;
        rowMax[r] = 0f;
        rowMin[r] = 0f;
        rowCoef[r] = 0f;
    }

    /**
     * The first index of the row's largest value, skipping NaNs (what "if (z_j > max)" over j finds), or −1
     * when no value exceeds −∞; leaves the row's minimum in s.min (NaN if the row holds one). Vectorized
     * over lanes of a block; a row holding a NaN takes the scalar loop.
     */
    private static int argmaxOf(float[] z, int at, int v, Scratch s) {
        if (VectorApi.enabled()) {
            int best = VectorArgmax.of(z, at, v, s.aux);
            if (best != VectorArgmax.NAN_ROW) {
                s.min = s.aux[0];
                return best;
            }
            s.min = Float.NaN;
            return argmaxScalar(z, at, v);
        }
        float[] lanes = s.lanes, low = s.low, in = s.exp.in;
        int block = Exp.blockFor(v), width = Math.min(v, block);
        Arrays.fill(lanes, 0, width, Float.NEGATIVE_INFINITY);
        Arrays.fill(low, 0, width, Float.POSITIVE_INFINITY);
        for (int i = 0; i < v; i += block) {
            int n = Math.min(block, v - i);
            System.arraycopy(z, at + i, in, 0, n);
            for (int j = 0; j < n; j++) {
                lanes[j] = Math.max(lanes[j], in[j]);
                low[j] = Math.min(low[j], in[j]);
            }
        }
        // fold copies of the lanes in halves (vectorized), then finish on at most 16
        float[] hi = s.acc, tmp = s.aux;
        System.arraycopy(lanes, 0, hi, 0, width);
        int live = width;
        while (live > 16) {
            int half = live / 2, rest = live - half;
            System.arraycopy(hi, half, tmp, 0, rest);
            for (int j = 0; j < rest; j++) hi[j] = Math.max(hi[j], tmp[j]);
            System.arraycopy(low, half, tmp, 0, rest);
            for (int j = 0; j < rest; j++) low[j] = Math.min(low[j], tmp[j]);
            live = rest;
        }
        float m = Float.NEGATIVE_INFINITY, lo = Float.POSITIVE_INFINITY;
        for (int j = 0; j < live; j++) {
            m = Math.max(m, hi[j]);
            lo = Math.min(lo, low[j]);
        }
        if (m != m) {                                                 // a NaN in the row: keep its exact rule
            s.min = Float.NaN;
            return argmaxScalar(z, at, v);
        }
        s.min = lo;
        if (m == Float.NEGATIVE_INFINITY) return -1;
        int best = Integer.MAX_VALUE;
        for (int j = 0; j < width; j++) {
            if (lanes[j] != m || j >= best) continue;
            for (int k = j; k < v && k < best; k += block) {
                if (z[at + k] == m) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }

    static int argmaxScalar(float[] z, int at, int v) {
        float max = Float.NEGATIVE_INFINITY;
        int best = -1;
        for (int j = 0; j < v; j++) {
            if (z[at + j] > max) {
                max = z[at + j];
                best = j;
            }
        }
        return best;
    }

    /**
     * Row r of the gradient, block by block: g_j = coef·e_j − s·a_j (e_j read from exps, which may be dst
     * itself, or recomputed when exps is null), then dst += d·g (add) or dst = g. The float operations are
     * those of the original in-place formula, in its order.
     */
    private static void gradientRow(float[] dst, boolean add, float d, int r, float[] z, float[] exps, Targets t, float s,
                                    float max, float min, float coef, int v, Scratch sc) {
        int at = r * v;
        int y = t.targets == null ? -1 : t.targets[r];
        float eps = t.smoothing, uniform = eps / v;
        float[] w = t.weights;
        float su = s * uniform;
        float[] e = sc.exp.out, acc = sc.acc, aux = sc.aux, aux2 = sc.aux2;
        int path = Exp.path(min, max);
        int block = Exp.blockFor(v);
        for (int i = 0; i < v; i += block) {
            int n = Math.min(block, v - i);
            if (exps != null) {
                System.arraycopy(exps, at + i, e, 0, n);                 // the forward's exponentials
            } else {
                System.arraycopy(z, at + i, sc.exp.in, 0, n);
                Exp.block(sc.exp, n, max, path);
            }
            if (add && t.soft == null && !(eps > 0f && w != null)) {
                // the common case in one pass: dst += d·(coef·e − su), then the target's entry with its correction
                System.arraycopy(dst, at + i, acc, 0, n);
                int yj = y - i;
                boolean hasY = yj >= 0 && yj < n;
                float accY = hasY ? acc[yj] : 0f, eY = hasY ? e[yj] : 0f;
                for (int j = 0; j < n; j++) acc[j] += d * (coef * e[j] - su);
                if (hasY) {
                    float gY = coef * eY - su;
                    gY -= s * (1f - eps) * (w == null ? 1f : w[y]);
                    acc[yj] = accY + d * gY;
                }
                System.arraycopy(acc, 0, dst, at + i, n);
                continue;
            }
            // e ← g for this block
            if (t.soft != null) {
                System.arraycopy(t.soft, at + i, aux, 0, n);
                if (w == null) {
                    for (int j = 0; j < n; j++) e[j] = coef * e[j] - s * (1f * ((1f - eps) * aux[j] + uniform));
                } else {
                    System.arraycopy(w, i, aux2, 0, n);
                    for (int j = 0; j < n; j++) e[j] = coef * e[j] - s * (aux2[j] * ((1f - eps) * aux[j] + uniform));
                }
            } else if (eps > 0f && w != null) {
                System.arraycopy(w, i, aux2, 0, n);
                for (int j = 0; j < n; j++) e[j] = coef * e[j] - su * aux2[j];
            } else {
                for (int j = 0; j < n; j++) e[j] = coef * e[j] - su;
            }
            if (y >= i && y < i + n) e[y - i] -= s * (1f - eps) * (w == null ? 1f : w[y]);
            // dst ← g or dst += d·g
            if (add) {
                System.arraycopy(dst, at + i, acc, 0, n);
                for (int j = 0; j < n; j++) acc[j] += d * e[j];
                System.arraycopy(acc, 0, dst, at + i, n);
            } else {
                System.arraycopy(e, 0, dst, at + i, n);
            }
        }
    }

    /** dz[at + j] += c for j in [0, v). */
    private static void addConstant(float[] dz, int at, int v, float c) {
        for (int j = 0; j < v; j++) dz[at + j] += c;
    }
}
