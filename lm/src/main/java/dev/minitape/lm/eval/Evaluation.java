package dev.minitape.lm.eval;

/**
 * The figures of many scored positions, accumulated in double: mean NLL (nats per token, unsmoothed and
 * unweighted), top-1 and top-5 accuracy, expected calibration error over {@value #BINS} equal-width
 * confidence bins, Brier score, and the mean entropy of the predictions (see {@link Prediction} and
 * {@link Reliability} for the formulas). Every mean is over positions; with none, each is NaN.
 */
public final class Evaluation {
    public static final int BINS = 15;
    private static final int TOP_K = 5;

    private final double temperature;
    private final Reliability reliability = new Reliability(BINS);
    private long positions, top1, topK;
    private double nllSum, brierSum, entropySum;

    /** Figures of the model's own probabilities (temperature 1). */
    public Evaluation() {
        this(1);
    }

    /** Figures of softmax(z / temperature). */
    public Evaluation(double temperature) {
        this.temperature = temperature;
    }

    /** Scores one position: the logits row at {@code offset}; returns its prediction. */
    public Prediction add(float[] logits, int offset, int vocab, int target) {
        Prediction p = Prediction.of(logits, offset, vocab, target, temperature);
        positions++;
        if (p.correct()) top1++;
        if (p.rank() < TOP_K) topK++;
        nllSum += p.nll();
        brierSum += p.brier();
        entropySum += p.entropy();
        reliability.add(p.pMax(), p.correct());
        return p;
    }

    /** Scores {@code targets.length} positions whose logits are consecutive rows of {@code vocab}. */
    public void addRows(float[] logits, int[] targets, int vocab) {
        if (logits.length != (long) targets.length * vocab) {
            throw new IllegalArgumentException("Evaluation: " + logits.length + " logits for " + targets.length
                    + " targets of " + vocab + " classes");
        }
        for (int i = 0; i < targets.length; i++) add(logits, i * vocab, vocab, targets[i]);
    }

    public double temperature() {
        return temperature;
    }

    public long positions() {
        return positions;
    }

    public double nll() {
        return mean(nllSum);
    }

    public double accuracy() {
        return mean(top1);
    }

    public double top5Accuracy() {
        return mean(topK);
    }

    public double ece() {
        return reliability.ece();
    }

    public double brier() {
        return mean(brierSum);
    }

    public double entropy() {
        return mean(entropySum);
    }

    /** The confidence bins, for a reliability diagram. */
    public Reliability reliability() {
        return reliability;
    }

    private double mean(double sum) {
        return positions == 0 ? Double.NaN : sum / positions;
    }
}
