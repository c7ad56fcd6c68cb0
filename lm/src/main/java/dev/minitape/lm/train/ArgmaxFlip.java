package dev.minitape.lm.train;

import java.util.Optional;

/**
 * When label smoothing and class weights together move the loss's minimum off the target (pytorch issue
 * 104776). With PyTorch's semantics the loss at one position with target y is
 * (1 − ε)·w_y·(−log p_y) + (ε/V)·Σ_c w_c·(−log p_c), minimized over the simplex by p_c ∝ its coefficient:
 * p_y ∝ (1 − ε)·w_y + ε·w_y/V and p_c ∝ ε·w_c/V for c ≠ y. So class c gets more probability than the
 * target exactly when w_c / w_y > 1 + V·(1 − ε)/ε. The pair most at risk is the heaviest class against
 * the lightest target.
 *
 * @param heavy     the class with the largest weight
 * @param light     the class with the smallest weight (as a target)
 * @param ratio     w_heavy / w_light (infinite when w_light is 0)
 * @param threshold 1 + V·(1 − ε)/ε
 */
public record ArgmaxFlip(int heavy, int light, double ratio, double threshold) {

    /** 1 + V·(1 − ε)/ε: the weight ratio w_c / w_y above which class c outweighs the target y at the minimum. */
    public static double threshold(int classes, double epsilon) {
        return 1 + classes * (1 - epsilon) / epsilon;
    }

    /** The pair whose argmax can flip for these weights and ε, or empty when none can (always for ε = 0). */
    public static Optional<ArgmaxFlip> risk(float[] weights, double epsilon) {
        if (!(epsilon > 0)) return Optional.empty();
        int heavy = 0, light = 0;
        for (int c = 1; c < weights.length; c++) {
            if (weights[c] > weights[heavy]) heavy = c;
            if (weights[c] < weights[light]) light = c;
        }
        double ratio = (double) weights[heavy] / weights[light];
        double threshold = threshold(weights.length, epsilon);
        return ratio > threshold ? Optional.of(new ArgmaxFlip(heavy, light, ratio, threshold)) : Optional.empty();
    }
}
