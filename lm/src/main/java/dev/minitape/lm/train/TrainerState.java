package dev.minitape.lm.train;

/**
 * Where a run stands after {@code step} completed steps: what resuming needs beyond the weights and the
 * optimizer, i.e. the batch sampler's and dropout's random states, the best validation loss so far, the
 * step it was measured at and how many evaluations since have not lowered it (what --patience counts).
 * A state.json written before the last two were recorded reads them as 0.
 */
public record TrainerState(int step, long batchRngState, long dropoutRngState, double bestValLoss, int bestStep,
                           int evalsSinceBest) {}
