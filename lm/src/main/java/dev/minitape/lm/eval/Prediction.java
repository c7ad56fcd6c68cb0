package dev.minitape.lm.eval;

/**
 * One scored position: what a row of logits z (V scores) says about its target y, at temperature T.
 * <pre>
 *   log p_c  = z_c/T − L,  L = log Σ_c exp(z_c/T)  (log-softmax in double; L is taken with the max
 *              subtracted first, so no logit size overflows)
 *   nll      = −log p_y                      (nats)
 *   argmax   = the first c with the largest z_c; its probability p_max is the confidence
 *   rank     = how many classes score above y (ties broken by index, as argmax does): 0 iff argmax = y
 *   entropy  = −Σ_c p_c log p_c              (nats)
 *   sumP2    = Σ_c p_c²; the Brier score of the position is Σ_c (p_c − [c = y])² = sumP2 − 2·p_y + 1
 * </pre>
 */
public record Prediction(int target, int argmax, int rank, double nll, double pTarget, double pMax, double entropy,
                         double sumP2) {

    /** The prediction in {@code logits[offset, offset + vocab)} for {@code target}, at {@code temperature} > 0. */
    public static Prediction of(float[] logits, int offset, int vocab, int target, double temperature) {
        if (target < 0 || target >= vocab) {
            throw new IllegalArgumentException("Prediction: target " + target + " is not a class of 0.." + (vocab - 1));
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("Prediction: temperature must be a positive number, got " + temperature);
        }
        double scale = 1 / temperature;
        int argmax = 0, rank = 0;
        float zy = logits[offset + target];
        for (int c = 0; c < vocab; c++) {
            float z = logits[offset + c];
            if (z > logits[offset + argmax]) argmax = c;
            if (z > zy || (z == zy && c < target)) rank++;
        }
        double logNorm = logSumExp(logits, offset, vocab, scale), entropy = 0, sumP2 = 0;
        for (int c = 0; c < vocab; c++) {
            double logP = logits[offset + c] * scale - logNorm, p = Math.exp(logP);
            entropy -= p * logP;
            sumP2 += p * p;
        }
        double nll = logNorm - zy * scale;
        return new Prediction(target, argmax, rank, nll, Math.exp(-nll), Math.exp(logits[offset + argmax] * scale - logNorm),
                entropy, sumP2);
    }

    /** log Σ_c exp(scale·z_c) over one row, in double, the largest term's exponent subtracted first. */
    static double logSumExp(float[] logits, int offset, int vocab, double scale) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int c = 0; c < vocab; c++) max = Math.max(max, logits[offset + c] * scale);
        for (int c = 0; c < vocab; c++) sum += Math.exp(logits[offset + c] * scale - max);
        return max + Math.log(sum);
    }

    public boolean correct() {
        return rank == 0;
    }

    /** Σ_c (p_c − [c = y])² = Σ p_c² − 2·p_y + 1. */
    public double brier() {
        return sumP2 - 2 * pTarget + 1;
    }
}
