package dev.minitape.lm.train;

import dev.minitape.core.CrossEntropy;

/**
 * The training loss's options: label smoothing ε in [0, 1), the z-loss coefficient (≥ 0, added as
 * coef·(log Σ e^z)² per position), how positions are averaged, and class weights (null: none). Only
 * training uses them; evaluation is always the plain, unweighted mean negative log-likelihood. An invalid
 * value is an IllegalArgumentException naming the field, e.g. "LossOptions.zLoss must be ...".
 */
public record LossOptions(double labelSmoothing, double zLoss, LossReduction reduction, ClassWeights classWeights) {
    /** Plain cross-entropy: no smoothing, no z-loss, the token mean, no class weights. */
    public static final LossOptions PLAIN = new LossOptions(0, 0, LossReduction.TOKEN, null);

    public LossOptions {
        // ε = 1 would train every position toward the uniform distribution, whatever its target
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("LossOptions.labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
        if (!(zLoss >= 0) || Double.isInfinite(zLoss)) {
            throw new IllegalArgumentException("LossOptions.zLoss must be a finite number >= 0, got " + zLoss);
        }
        if (reduction == null) reduction = LossReduction.TOKEN;
    }

    /** A cross-entropy builder with these options set; the caller adds what is its own (the ignore index). */
    public CrossEntropy.Builder crossEntropy() {
        CrossEntropy.Builder ce = CrossEntropy.builder().labelSmoothing(labelSmoothing).zLoss(zLoss).reduction(reduction.reduction());
        if (classWeights != null) ce.classWeights(classWeights.weights());
        return ce;
    }
}
