package dev.minitape.lm.train;

/**
 * Where a run stands after {@code step} completed steps: what resuming needs beyond the weights and the
 * optimizer, i.e. the batch sampler's and dropout's random states and the best validation loss so far.
 */
public record TrainerState(int step, long batchRngState, long dropoutRngState, double bestValLoss) {}
