package dev.minitape.core;

import dev.minitape.core.kernels.CrossEntropyKernel;
import dev.minitape.core.kernels.CrossEntropyKernel.Targets;

/**
 * Cross-entropy between softmax(logits) and targets: PyTorch's {@code F.cross_entropy} (ignore_index,
 * label_smoothing, weight, reduction) plus per-sequence normalization, soft targets, a z-loss term and
 * diagnostics. The loss and its gradient come from one fused kernel ({@link CrossEntropyKernel}, whose
 * header is the specification), so backward is the analytic softmax − target, never a replay of
 * log, exp and gather.
 * <pre>{@code
 * CrossEntropy ce = CrossEntropy.builder().ignoreIndex(0).labelSmoothing(0.1).build();
 * Tensor loss = ce.apply(logits, targets);      // logits (N, V) or (B, T, V), targets N or B·T ints
 * }</pre>
 * Instances are immutable and thread-safe.
 */
public final class CrossEntropy {
    private final int ignoreIndex;
    private final float smoothing;
    private final float[] weights;
    private final Reduction reduction;
    private final float zLoss;

    private CrossEntropy(Builder b) {
        this.ignoreIndex = b.ignoreIndex;
        this.smoothing = (float) b.smoothing;
        this.weights = b.weights;
        this.reduction = b.reduction;
        this.zLoss = (float) b.zLoss;
    }

    /** PyTorch's defaults: ignoreIndex −100, no smoothing, no weights, MEAN, no z-loss. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The loss and, from the same pass, what a trainer logs. {@code tokens} counts the positions that
     * were kept (not ignored); {@code accuracy} is the share of kept positions whose most likely class is
     * the target (for soft targets: the target's most likely class); {@code meanLogSumExp} is the mean
     * of log Σ e^z over kept positions, the quantity the z-loss keeps near 0.
     */
    public record Output(Tensor loss, int tokens, double accuracy, double meanLogSumExp) {}

    /** The loss of class-index targets: one per logits row (N or B·T), each in [0, V) or ignoreIndex. */
    public Tensor apply(Tensor logits, int[] targets) {
        return evaluate(logits, targets).loss();
    }

    /** The loss of soft targets: probabilities of the logits' shape. */
    public Tensor apply(Tensor logits, Tensor targetProbs) {
        return evaluate(logits, targetProbs).loss();
    }

    /** {@link #apply(Tensor, int[])} with diagnostics. */
    public Output evaluate(Tensor logits, int[] targets) {
        Geometry geo = Geometry.of(logits.shape(), reduction);
        Kept kept = checkTargets(targets, geo);
        return run(logits, geo, new Targets(targets, null, weights, smoothing, ignoreIndex, zLoss), kept.rowWeight, kept.kept);
    }

    /**
     * Cross-entropy of a linear output layer without materializing its logits: the loss of
     * {@code hidden.matmul(weight.transpose(0, 1)).add(bias)} against class-index targets, with the same
     * options and the same gradients for hidden, weight and bias, computed in chunks of rows so the full
     * (N, V) logits never exist at once (see {@link LinearCrossEntropy}).
     *
     * @param hidden (N, C) or (B, T, C)
     * @param weight (V, C), as in a Linear layer or a tied embedding
     * @param bias   (V) or null
     */
    public Tensor applyLinear(Tensor hidden, Tensor weight, Tensor bias, int[] targets) {
        return evaluateLinear(hidden, weight, bias, targets).loss();
    }

    /** {@link #applyLinear} with diagnostics. */
    public Output evaluateLinear(Tensor hidden, Tensor weight, Tensor bias, int[] targets) {
        int[] hs = hidden.shape(), ws = weight.shape();
        if (ws.length != 2 || hs.length < 2 || hs[hs.length - 1] != ws[1]) {
            throw new IllegalArgumentException("CrossEntropy.applyLinear: hidden " + Shape.str(hs) + " and weight "
                    + Shape.str(ws) + " do not fit (expected hidden (N, C) or (B, T, C) and weight (V, C))");
        }
        if (bias != null && (bias.dim() != 1 || bias.size(0) != ws[0])) {
            throw new IllegalArgumentException("CrossEntropy.applyLinear: bias of shape " + Shape.str(bias.shape())
                    + " does not match " + ws[0] + " classes (expected (V) or null)");
        }
        int[] logitShape = hs.clone();
        logitShape[hs.length - 1] = ws[0];
        Geometry geo = Geometry.of(logitShape, reduction);
        Kept kept = checkTargets(targets, geo);
        float[] scale = geo.rowScales(reduction, kept.rowWeight, kept.kept);
        Targets t = new Targets(targets, null, weights, smoothing, ignoreIndex, zLoss);
        return LinearCrossEntropy.apply(hidden, weight, bias, t, scale, reduction == Reduction.NONE, geo.rows, geo.v,
                geo.positionShape);
    }

    /**
     * The denominator D of a MEAN or SEQUENCE_MEAN loss of these targets: for MEAN Σ w_y over the kept
     * positions (their count without class weights), for SEQUENCE_MEAN the number of sequences that keep a
     * position. The loss of several groups of rows taken together is Σ_k (D_k / Σ_j D_j)·loss_k, which is
     * how K micro-batches add up to the loss of one K-times larger batch.
     *
     * @param logitShape the shape of the logits these targets belong to, (N, V) or (B, T, V)
     */
    public double denominator(int[] targets, int[] logitShape) {
        if (reduction != Reduction.MEAN && reduction != Reduction.SEQUENCE_MEAN) {
            throw new IllegalStateException("CrossEntropy: a " + reduction + " loss has no denominator (MEAN and SEQUENCE_MEAN do)");
        }
        Geometry geo = Geometry.of(logitShape, reduction);
        Kept kept = checkTargets(targets, geo);
        double total = 0;
        if (reduction == Reduction.MEAN) {
            for (float w : kept.rowWeight) total += w;
            return total;
        }
        int t = geo.rows / geo.sequences;
        for (int b = 0; b < geo.sequences; b++) {
            double perSeq = 0;
            for (int i = 0; i < t; i++) perSeq += kept.rowWeight[b * t + i];
            if (perSeq > 0) total++;
        }
        return total;
    }

    /** Which rows are kept, and each kept row's weight w[y] (1 without class weights). */
    private record Kept(float[] rowWeight, boolean[] kept) {}

    private Kept checkTargets(int[] targets, Geometry geo) {
        if (targets.length != geo.rows) {
            throw new IllegalArgumentException("CrossEntropy: " + targets.length + " targets for " + geo.rows
                    + " rows of logits " + Shape.str(geo.logitShape) + " (expected one target per row)");
        }
        checkWeights(geo.v);
        float[] rowWeight = new float[geo.rows];
        boolean[] kept = new boolean[geo.rows];
        for (int r = 0; r < geo.rows; r++) {
            int y = targets[r];
            if (y == ignoreIndex) continue;
            if (y < 0 || y >= geo.v) {
                throw new IllegalArgumentException("CrossEntropy: target " + y + " at position " + r
                        + " is out of range for " + geo.v + " classes (expected 0.." + (geo.v - 1)
                        + " or the ignoreIndex " + ignoreIndex + ")");
            }
            kept[r] = true;
            rowWeight[r] = weights == null ? 1f : weights[y];
        }
        return new Kept(rowWeight, kept);
    }

    /** {@link #apply(Tensor, Tensor)} with diagnostics. */
    public Output evaluate(Tensor logits, Tensor targetProbs) {
        Geometry geo = Geometry.of(logits.shape(), reduction);
        if (!java.util.Arrays.equals(logits.shape(), targetProbs.shape())) {
            throw new IllegalArgumentException("CrossEntropy: soft targets of shape " + Shape.str(targetProbs.shape())
                    + " do not match logits of shape " + Shape.str(logits.shape()) + " (expected the same shape)");
        }
        checkWeights(geo.v);
        float[] rowWeight = new float[geo.rows];
        java.util.Arrays.fill(rowWeight, 1f);     // soft targets: MEAN divides by N even with class weights
        boolean[] kept = new boolean[geo.rows];
        java.util.Arrays.fill(kept, true);
        return run(logits, geo, new Targets(null, targetProbs.data(), weights, smoothing, ignoreIndex, zLoss), rowWeight, kept);
    }

    private Output run(Tensor logits, Geometry geo, Targets targets, float[] rowWeight, boolean[] kept) {
        int n = geo.rows, v = geo.v;
        float[] scale = geo.rowScales(reduction, rowWeight, kept);
        float[] loss = Tape.outputBuffer(n, logits), lse = Tape.outputBuffer(n, logits), rowMax = Tape.outputBuffer(n, logits);
        float[] rowMin = Tape.outputBuffer(n, logits), rowCoef = Tape.outputBuffer(n, logits);
        int[] argmax = new int[n];
        // The forward computes the gradient itself (one exponential per logit, not two) when there will be a
        // backward: into a buffer the recording tape lends (a reusing tape the same array every step), written whole.
        Tape tape = Tape.recordingTape(logits);
        KeptGradient buffer = new KeptGradient(tape != null ? tape.gradientBuffer(n * v, false) : null);
        CrossEntropyKernel.forward(loss, lse, argmax, rowMax, rowMin, rowCoef, logits.data(), targets, scale, n, v, buffer.g);

        Tensor out;
        if (reduction == Reduction.NONE) {
            out = new Tensor(loss, geo.positionShape);
        } else {
            double total = 0;
            for (int r = 0; r < n; r++) total += (double) scale[r] * loss[r];
            out = new Tensor(new float[] {(float) total});
        }
        boolean perRow = reduction == Reduction.NONE;
        out = Tape.record("crossEntropy", out, dy -> {
            // dz += dL·g (g holds the reduction's scale of each row); when dz would start as zeros and dL = 1,
            // the kept g becomes dz as it is
            float[] g = buffer.take();
            if (g != null && !perRow && dy[0] == 1f && logits.gradIfPresent() == null) {
                tape.handOverGradient(g, logits);
                return;
            }
            CrossEntropyKernel.backward(logits.gradData(), dy, perRow, logits.data(), targets, scale, rowMax, rowMin,
                    rowCoef, n, v, g);
            if (g != null) tape.returnGradient(g);
        }, logits);
        return diagnostics(out, targets, lse, argmax, n, v);
    }

    /**
     * One call's gradient buffer, used by its first backward pass only: after that the buffer is the logits'
     * gradient or back with the tape, and a second backward recomputes g from the logits.
     */
    private static final class KeptGradient {
        private float[] g;

        KeptGradient(float[] g) {
            this.g = g;
        }

        float[] take() {
            float[] taken = g;
            g = null;
            return taken;
        }
    }

    static Output diagnostics(Tensor loss, Targets t, float[] lse, int[] argmax, int n, int v) {
        int kept = 0, correct = 0;
        double lseSum = 0;
        for (int r = 0; r < n; r++) {
            if (argmax[r] < 0) continue;               // ignored row
            kept++;
            lseSum += lse[r];
            int target = t.targets() != null ? t.targets()[r] : argmaxOf(t.soft(), r * v, v);
            if (argmax[r] == target) correct++;
        }
        return new Output(loss, kept, kept == 0 ? 0 : (double) correct / kept, kept == 0 ? 0 : lseSum / kept);
    }

    private static int argmaxOf(float[] x, int at, int len) {
        int best = 0;
        for (int j = 1; j < len; j++) if (x[at + j] > x[at + best]) best = j;
        return best;
    }

    private void checkWeights(int v) {
        if (weights != null && weights.length != v) {
            throw new IllegalArgumentException("CrossEntropy: " + weights.length + " class weights for " + v
                    + " classes (expected one weight per class)");
        }
    }

    /** The logits' layout: rows × V, with B sequences of T rows when 3-D. */
    private record Geometry(int[] logitShape, int rows, int v, int sequences, int[] positionShape) {
        static Geometry of(int[] s, Reduction reduction) {
            if (s.length != 2 && s.length != 3) {
                throw new IllegalArgumentException("CrossEntropy: logits of shape " + Shape.str(s)
                        + " must be (N, V) or (B, T, V) with the classes last");
            }
            if (reduction == Reduction.SEQUENCE_MEAN && s.length != 3) {
                throw new IllegalArgumentException("CrossEntropy: SEQUENCE_MEAN needs logits (B, T, V) with a sequence axis, got "
                        + Shape.str(s));
            }
            int v = s[s.length - 1];
            if (v == 0) throw new IllegalArgumentException("CrossEntropy: logits of shape " + Shape.str(s) + " have no classes");
            int rows = Shape.numel(s) / v;
            return new Geometry(s, rows, v, s.length == 3 ? s[0] : rows, java.util.Arrays.copyOf(s, s.length - 1));
        }

        /**
         * s_r such that the reduced loss is Σ_r s_r·loss_r:
         * MEAN 1/Σρ, SUM and NONE 1, SEQUENCE_MEAN 1/(S·Σ_{t∈seq} ρ_t) with S the sequences that keep
         * a token; ρ_r is the row weight (0 for ignored rows). A zero denominator gives scale 0, and
         * ignored rows always get 0.
         */
        float[] rowScales(Reduction reduction, float[] rowWeight, boolean[] kept) {
            float[] s = new float[rows];
            switch (reduction) {
                case SUM, NONE -> {
                    for (int r = 0; r < rows; r++) s[r] = kept[r] ? 1f : 0f;
                }
                case MEAN -> {
                    double total = 0;
                    for (float w : rowWeight) total += w;
                    float inv = total > 0 ? (float) (1.0 / total) : 0f;
                    java.util.Arrays.fill(s, inv);
                }
                case SEQUENCE_MEAN -> {
                    int t = rows / sequences, counted = 0;
                    double[] perSeq = new double[sequences];
                    for (int b = 0; b < sequences; b++) {
                        for (int i = 0; i < t; i++) perSeq[b] += rowWeight[b * t + i];
                        if (perSeq[b] > 0) counted++;
                    }
                    for (int b = 0; b < sequences; b++) {
                        float inv = perSeq[b] > 0 ? (float) (1.0 / (counted * perSeq[b])) : 0f;
                        java.util.Arrays.fill(s, b * t, (b + 1) * t, inv);
                    }
                }
            }
            return s;
        }
    }

    /** Options; each setter checks its value. */
    public static final class Builder {
        private int ignoreIndex = -100;
        private double smoothing;
        private float[] weights;
        private Reduction reduction = Reduction.MEAN;
        private double zLoss;

        private Builder() {}

        /** Targets equal to this index add nothing to the loss or its denominator (default −100). */
        public Builder ignoreIndex(int index) {
            this.ignoreIndex = index;
            return this;
        }

        /** ε in [0, 1]: the target keeps 1 − ε and ε is spread as ε/V over all V classes (PyTorch). */
        public Builder labelSmoothing(double epsilon) {
            if (!(epsilon >= 0 && epsilon <= 1)) {
                throw new IllegalArgumentException("CrossEntropy: labelSmoothing must be in [0, 1], got " + epsilon);
            }
            this.smoothing = epsilon;
            return this;
        }

        /** One non-negative weight per class; MEAN becomes Σ w_y·loss / Σ w_y over kept rows. */
        public Builder classWeights(float[] w) {
            for (int c = 0; c < w.length; c++) {
                if (!(w[c] >= 0) || Float.isInfinite(w[c])) {
                    throw new IllegalArgumentException("CrossEntropy: class weight " + w[c] + " for class " + c
                            + " must be a finite number >= 0");
                }
            }
            this.weights = w.clone();
            return this;
        }

        public Builder reduction(Reduction r) {
            this.reduction = java.util.Objects.requireNonNull(r, "reduction");
            return this;
        }

        /** Adds ζ·lse² per kept position (PaLM's z-loss, ζ ≈ 1e-4), pulling log Σ e^z toward 0. */
        public Builder zLoss(double coefficient) {
            if (!(coefficient >= 0) || Double.isInfinite(coefficient)) {
                throw new IllegalArgumentException("CrossEntropy: zLoss coefficient must be a finite number >= 0, got " + coefficient);
            }
            this.zLoss = coefficient;
            return this;
        }

        public CrossEntropy build() {
            return new CrossEntropy(this);
        }
    }
}
