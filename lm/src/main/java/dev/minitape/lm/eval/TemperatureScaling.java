package dev.minitape.lm.eval;

/**
 * Temperature scaling (Guo et al. 2017): the one T > 0 that minimizes the mean NLL of softmax(z / T) on
 * held-out positions. It changes no argmax, so accuracy stays; it only makes the probabilities sharper
 * (T < 1) or softer (T > 1).
 * <p>
 * The search: with β = 1/T, NLL(β) = mean over positions of (log Σ_c exp(β·z_c) − β·z_y), a log-sum-exp
 * of linear functions of β minus a linear one, so convex in β; ln T = −ln β is monotone, so NLL is
 * unimodal in u = ln T and golden-section search on u over [ln {@value #MIN}, ln {@value #MAX}] finds
 * its minimum. Each step shrinks the interval by 1/φ ≈ 0.618 and costs one pass over the positions
 * (in double); it stops when the interval in u is below {@value #TOLERANCE}, a relative error in T of
 * about 1e-6, far below what the data can tell apart. A minimum at either end means the best T is at
 * or beyond it.
 */
public final class TemperatureScaling {
    public static final double MIN = 0.05, MAX = 20;
    static final double TOLERANCE = 1e-6;
    private static final double INV_PHI = (Math.sqrt(5) - 1) / 2;

    private TemperatureScaling() {}

    /** The fitted T for logits rows of {@code vocab} and their targets. */
    public static double fit(float[] logits, int[] targets, int vocab) {
        if (targets.length == 0) throw new IllegalArgumentException("TemperatureScaling: no positions to fit on");
        double lo = Math.log(MIN), hi = Math.log(MAX);
        double a = hi - INV_PHI * (hi - lo), b = lo + INV_PHI * (hi - lo);
        double fa = nll(logits, targets, vocab, Math.exp(a)), fb = nll(logits, targets, vocab, Math.exp(b));
        while (hi - lo > TOLERANCE) {
            if (fa <= fb) {          // the minimum is in [lo, b]
                hi = b;
                b = a;
                fb = fa;
                a = hi - INV_PHI * (hi - lo);
                fa = nll(logits, targets, vocab, Math.exp(a));
            } else {                 // the minimum is in [a, hi]
                lo = a;
                a = b;
                fa = fb;
                b = lo + INV_PHI * (hi - lo);
                fb = nll(logits, targets, vocab, Math.exp(b));
            }
        }
        return Math.exp((lo + hi) / 2);
    }

    /** Mean NLL of softmax(z / T) over the positions: mean of log Σ_c exp(z_c/T) − z_y/T. */
    public static double nll(float[] logits, int[] targets, int vocab, double temperature) {
        if (logits.length != (long) targets.length * vocab) {
            throw new IllegalArgumentException("TemperatureScaling: " + logits.length + " logits for " + targets.length
                    + " targets of " + vocab + " classes");
        }
        double scale = 1 / temperature, sum = 0;
        for (int i = 0; i < targets.length; i++) {
            sum += Prediction.logSumExp(logits, i * vocab, vocab, scale) - logits[i * vocab + targets[i]] * scale;
        }
        return sum / targets.length;
    }
}
