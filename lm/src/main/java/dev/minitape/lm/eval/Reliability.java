package dev.minitape.lm.eval;

/**
 * Confidence bins for calibration: bin k of K holds the positions whose confidence (top probability)
 * lies in [k/K, (k+1)/K), the last bin also holding 1. Each bin counts its positions, how many were
 * right, and the sum of their confidences.
 * <pre>
 *   acc_b  = correct_b / n_b      conf_b = Σ confidence / n_b
 *   ECE    = Σ_b (n_b / N)·|acc_b − conf_b| = (1/N)·Σ_b |correct_b − Σ_b confidence|
 * </pre>
 * A perfectly calibrated model is right on a fraction conf of the positions where it says conf.
 */
public final class Reliability {
    private final long[] count;
    private final long[] correct;
    private final double[] confidenceSum;

    public Reliability(int bins) {
        if (bins < 1) throw new IllegalArgumentException("Reliability: bins must be positive, got " + bins);
        count = new long[bins];
        correct = new long[bins];
        confidenceSum = new double[bins];
    }

    public void add(double confidence, boolean right) {
        int b = bin(confidence);
        count[b]++;
        if (right) correct[b]++;
        confidenceSum[b] += confidence;
    }

    /** The bin of a confidence in [0, 1]. */
    public int bin(double confidence) {
        return Math.min(count.length - 1, (int) (confidence * count.length));
    }

    public int bins() {
        return count.length;
    }

    public long count(int bin) {
        return count[bin];
    }

    /** acc_b; NaN for an empty bin. */
    public double accuracy(int bin) {
        return count[bin] == 0 ? Double.NaN : (double) correct[bin] / count[bin];
    }

    /** conf_b, the mean confidence in the bin; NaN for an empty bin. */
    public double confidence(int bin) {
        return count[bin] == 0 ? Double.NaN : confidenceSum[bin] / count[bin];
    }

    /** Expected calibration error, Σ_b (n_b/N)·|acc_b − conf_b|; NaN with no positions. */
    public double ece() {
        long n = 0;
        double gap = 0;
        for (int b = 0; b < count.length; b++) {
            n += count[b];
            gap += Math.abs(correct[b] - confidenceSum[b]);
        }
        return n == 0 ? Double.NaN : gap / n;
    }
}
