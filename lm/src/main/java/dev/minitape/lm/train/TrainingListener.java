package dev.minitape.lm.train;

/** What a trainer reports as it goes (a progress bar, a log); every method has a no-op default. */
public interface TrainingListener {
    /** After each optimizer step; {@code step} counts completed steps (1..total). */
    default void onStep(int step, int total, double loss, double lr, double tokensPerSec) {}

    /** After each evaluation. */
    default void onEval(int step, double trainLoss, double valLoss) {}

    /** After a checkpoint was written into {@code slot}. */
    default void onCheckpoint(int step, String slot) {}
}
