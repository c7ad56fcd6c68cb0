package dev.minitape.core.kernels;

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
 * ignored row), and the kernel writes the gradient g_rj = s_r·∂loss_r/∂z_j, so for a scalar loss
 * L = Σ_r s_r·loss_r the logits' gradient is dL·g. Ignored rows (s_r = 0 with a class-index target equal
 * to ignoreIndex) get loss 0 and a zero gradient row.
 *
 * <p>Stability: the row max m is subtracted before exponentiating (lse = m + log Σ e^(z_j − m)), sums
 * over V accumulate in double. Each logit is read twice (the max, then the exponentials) and
 * exponentiated once: the exponentials are kept in g and turned into the gradient in place.
 */
public final class CrossEntropyKernel {
    private CrossEntropyKernel() {}

    /** What the caller knows about the targets of every row. Exactly one of targets and soft is set. */
    public record Targets(int[] targets, float[] soft, float[] weights, float smoothing, int ignoreIndex, float zLoss) {}

    /**
     * Computes rows [0, n): loss[r] (unscaled), lse[r], argmax[r] (the predicted class), and, when g is
     * not null, the scaled gradient g (n×V). g may be z itself (the gradient then replaces the logits):
     * each logit is read before its slot is written. Rows run in parallel; each row's result depends on
     * that row alone, so the output is the same for any thread count.
     */
    public static void rows(float[] loss, float[] lse, int[] argmax, float[] g, float[] z, Targets t, float[] scale,
                            int n, int v) {
        Parallel.forRange(n, Math.max(1, (1 << 15) / Math.max(1, v)), (from, to) -> {
            for (int r = from; r < to; r++) row(r, loss, lse, argmax, g, z, t, scale, v);
        });
    }

    private static void row(int r, float[] loss, float[] lse, int[] argmax, float[] g, float[] z, Targets t,
                            float[] scale, int v) {
        int at = r * v;
        int y = t.targets == null ? -1 : t.targets[r];
        if (t.targets != null && y == t.ignoreIndex) {
            loss[r] = 0f;
            lse[r] = 0f;
            argmax[r] = -1;
            if (g != null) java.util.Arrays.fill(g, at, at + v, 0f);   // g may hold the logits (in place)
            return;
        }
        // Sweep 1: the max (and its index) and Σ_c a_c·z_c with A = Σ_c a_c.
        float max = Float.NEGATIVE_INFINITY;
        int best = 0;
        for (int j = 0; j < v; j++) {
            if (z[at + j] > max) {
                max = z[at + j];
                best = j;
            }
        }
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
        // Sweep 2: the exponentials, kept in g when a gradient is wanted.
        double sum = g == null ? Exp.sumExpShifted(z, at, v, max) : Exp.expShifted(g, z, at, v, max);
        double logSumExp = max + Math.log(sum);
        float rowWeight = t.soft != null || w == null ? 1f : w[y];
        loss[r] = (float) (mass * logSumExp - massDotZ + t.zLoss * rowWeight * logSumExp * logSumExp);
        lse[r] = (float) logSumExp;
        argmax[r] = best;
        if (g == null) return;
        // g_j = s·((A + 2ζρ·lse)·p_j − a_j), with p_j = e_j / Σe read back from g.
        float s = scale[r];
        float coef = (float) (s * (mass + 2.0 * t.zLoss * rowWeight * logSumExp) / sum);
        if (t.soft != null) {
            for (int j = 0; j < v; j++) {
                float a = (w == null ? 1f : w[j]) * ((1f - eps) * t.soft[at + j] + uniform);
                g[at + j] = coef * g[at + j] - s * a;
            }
        } else {
            if (eps > 0f && w != null) {
                float su = s * uniform;
                for (int j = 0; j < v; j++) g[at + j] = coef * g[at + j] - su * w[j];
            } else {
                float su = s * uniform;
                for (int j = 0; j < v; j++) g[at + j] = coef * g[at + j] - su;
            }
            g[at + y] -= s * (1f - eps) * (w == null ? 1f : w[y]);
        }
    }
}
