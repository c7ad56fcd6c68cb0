package dev.minitape.lm.train;

/**
 * How a language model is trained: AdamW with a linear warmup then cosine decay from lr to minLr,
 * global-norm gradient clipping, the loss's options ({@link #loss()}: label smoothing, z-loss, token or
 * sequence mean, class weights; checked by {@link LossOptions}), evaluation every
 * evalEvery steps on evalBatches fixed validation batches, and a checkpoint every checkpointEvery steps
 * (0 = only at the end and at each best validation loss). Each optimizer step adds up the gradients of
 * gradAccum micro-batches of batchSize sequences (the update of one batch gradAccum times larger); with
 * patience N &gt; 0 training stops once N evaluations in a row have not lowered the best validation loss.
 * Build one with {@link #builder()}; an invalid
 * value is an IllegalArgumentException naming the field, e.g. "TrainConfig.steps must be positive, got 0".
 */
public record TrainConfig(int steps, int batchSize, int blockSize, double lr, double minLr, int warmup,
                          double weightDecay, double beta1, double beta2, double gradClip, double labelSmoothing,
                          ClassWeights classWeights, double zLoss, LossReduction reduction, int evalEvery, int evalBatches,
                          int checkpointEvery, long seed, Integer gradAccum, int patience) {
    public TrainConfig {
        positive("steps", steps);
        positive("batchSize", batchSize);
        positive("blockSize", blockSize);
        positive("evalEvery", evalEvery);
        positive("evalBatches", evalBatches);
        if (!(lr > 0) || Double.isInfinite(lr)) throw invalid("lr", "must be a positive finite number", lr);
        if (!(minLr >= 0 && minLr <= lr)) throw invalid("minLr", "must be between 0 and TrainConfig.lr (" + lr + ")", minLr);
        if (warmup < 0 || warmup >= steps) {
            throw invalid("warmup", "must be at least 0 and less than TrainConfig.steps (" + steps + ")", warmup);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) throw invalid("weightDecay", "must be a finite number >= 0", weightDecay);
        if (!(beta1 >= 0 && beta1 < 1)) throw invalid("beta1", "must be in [0, 1)", beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw invalid("beta2", "must be in [0, 1)", beta2);
        if (!(gradClip > 0)) throw invalid("gradClip", "must be positive", gradClip);
        if (checkpointEvery < 0) throw invalid("checkpointEvery", "must be >= 0", checkpointEvery);
        if (gradAccum == null) gradAccum = 1;                       // config.json written before --grad-accum
        if (gradAccum <= 0) throw invalid("gradAccum", "must be positive", gradAccum);
        if (patience < 0) throw invalid("patience", "must be >= 0 (0: never stop early)", patience);
        reduction = new LossOptions(labelSmoothing, zLoss, reduction, classWeights).reduction();   // checks; null (older configs): token
    }

    /**
     * This run continued with a new length, learning-rate schedule, intervals and patience (what {@code train --resume}
     * may change); everything else stays as it was.
     */
    public TrainConfig continued(int steps, double lr, double minLr, int warmup, int evalEvery, int checkpointEvery, int patience) {
        return new TrainConfig(steps, batchSize, blockSize, lr, minLr, warmup, weightDecay, beta1, beta2, gradClip, labelSmoothing,
                classWeights, zLoss, reduction, evalEvery, evalBatches, checkpointEvery, seed, gradAccum, patience);
    }

    /** The training loss's options. */
    public LossOptions loss() {
        return new LossOptions(labelSmoothing, zLoss, reduction, classWeights);
    }

    private static void positive(String field, int value) {
        if (value <= 0) throw invalid(field, "must be positive", value);
    }

    private static IllegalArgumentException invalid(String field, String rule, Object got) {
        return new IllegalArgumentException("TrainConfig." + field + " " + rule + ", got " + got);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Named values, each starting at nanoGPT's CPU recipe scaled for a quick run: 2000 steps of 12
     * sequences of 64 tokens, lr 1e-3 decaying to 1e-4 after 100 warmup steps, AdamW (0.9, 0.99) with weight
     * decay 0.1, clip 1, plain cross-entropy (no label smoothing, z-loss or class weights; the token mean), 20 validation batches every 250 steps,
     * checkpoints only at the end and at each best, seed 1337, one micro-batch per step, no early stopping.
     */
    public static final class Builder {
        private int steps = 2000, batchSize = 12, blockSize = 64, warmup = 100;
        private double lr = 1e-3, minLr = 1e-4, weightDecay = 0.1, beta1 = 0.9, beta2 = 0.99, gradClip = 1.0, labelSmoothing, zLoss;
        private ClassWeights classWeights;
        private LossReduction reduction = LossReduction.TOKEN;
        private int evalEvery = 250, evalBatches = 20, checkpointEvery, gradAccum = 1, patience;
        private long seed = 1337;

        private Builder() {}

        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder blockSize(int blockSize) {
            this.blockSize = blockSize;
            return this;
        }

        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        public Builder minLr(double minLr) {
            this.minLr = minLr;
            return this;
        }

        public Builder warmup(int warmup) {
            this.warmup = warmup;
            return this;
        }

        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder betas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        public Builder gradClip(double gradClip) {
            this.gradClip = gradClip;
            return this;
        }

        public Builder labelSmoothing(double labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        /** All of the loss's options at once. */
        public Builder loss(LossOptions loss) {
            return labelSmoothing(loss.labelSmoothing()).zLoss(loss.zLoss()).reduction(loss.reduction()).classWeights(loss.classWeights());
        }

        public Builder classWeights(ClassWeights classWeights) {
            this.classWeights = classWeights;
            return this;
        }

        public Builder zLoss(double zLoss) {
            this.zLoss = zLoss;
            return this;
        }

        public Builder reduction(LossReduction reduction) {
            this.reduction = reduction;
            return this;
        }

        public Builder evalEvery(int evalEvery) {
            this.evalEvery = evalEvery;
            return this;
        }

        public Builder evalBatches(int evalBatches) {
            this.evalBatches = evalBatches;
            return this;
        }

        public Builder checkpointEvery(int checkpointEvery) {
            this.checkpointEvery = checkpointEvery;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Micro-batches of batchSize sequences per optimizer step. */
        public Builder gradAccum(int gradAccum) {
            this.gradAccum = gradAccum;
            return this;
        }

        /** Evaluations without a new best validation loss after which training stops; 0: never. */
        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(steps, batchSize, blockSize, lr, minLr, warmup, weightDecay, beta1, beta2, gradClip,
                    labelSmoothing, classWeights, zLoss, reduction, evalEvery, evalBatches, checkpointEvery, seed, gradAccum, patience);
        }
    }
}
