package dev.minitape.lm.train;

/**
 * How a language model is trained: AdamW with a linear warmup then cosine decay from lr to minLr,
 * global-norm gradient clipping, optional label smoothing and class weights, evaluation every
 * evalEvery steps on evalBatches fixed validation batches, and a checkpoint every checkpointEvery steps
 * (0 = only at the end and at each best validation loss).
 */
public record TrainConfig(int steps, int batchSize, int blockSize, double lr, double minLr, int warmup,
                          double weightDecay, double beta1, double beta2, double gradClip, double labelSmoothing,
                          float[] classWeights, int evalEvery, int evalBatches, int checkpointEvery, long seed) {
    public TrainConfig {
        positive("--steps", steps);
        positive("--batch-size", batchSize);
        positive("--block-size", blockSize);
        positive("--eval-every", evalEvery);
        positive("evaluation batches", evalBatches);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be a positive finite number, got " + lr);
        if (!(minLr >= 0 && minLr <= lr)) {
            throw new IllegalArgumentException("--min-lr must be between 0 and --lr (" + lr + "), got " + minLr);
        }
        if (warmup < 0 || warmup >= steps) {
            throw new IllegalArgumentException("--warmup must be at least 0 and less than --steps (" + steps + "), got " + warmup);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("--weight-decay must be a finite number >= 0, got " + weightDecay);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("AdamW betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        if (!(gradClip > 0)) throw new IllegalArgumentException("gradient clip must be positive, got " + gradClip);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("--label-smoothing must be in [0, 1], got " + labelSmoothing);
        }
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + checkpointEvery);
        classWeights = classWeights == null ? null : classWeights.clone();
    }

    /** nanoGPT's CPU recipe scaled for a quick run: AdamW (0.9, 0.99), clip 1, weight decay 0.1. */
    public static TrainConfig defaults() {
        return new TrainConfig(2000, 12, 64, 1e-3, 1e-4, 100, 0.1, 0.9, 0.99, 1.0, 0, null, 250, 20, 0, 1337);
    }

    private static void positive(String what, int v) {
        if (v <= 0) throw new IllegalArgumentException(what + " must be positive, got " + v);
    }

    public TrainConfig withSteps(int s) {
        return new TrainConfig(s, batchSize, blockSize, lr, minLr, warmup, weightDecay, beta1, beta2, gradClip,
                labelSmoothing, classWeights, evalEvery, evalBatches, checkpointEvery, seed);
    }
}
