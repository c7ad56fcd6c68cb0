package dev.minitape.lm.sample;

/**
 * How the next token is chosen from the model's logits z: temperature τ = 0 is greedy (argmax);
 * otherwise p ∝ exp(z/τ), restricted to the k most likely tokens when topK > 0 and then to the
 * smallest set whose probability reaches topP when topP < 1, renormalized and sampled. Both keep the most
 * likely tokens first; among equal logits the lower token id counts as the more likely.
 */
public record SamplingOptions(double temperature, int topK, double topP) {
    public SamplingOptions {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("sampling: temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) throw new IllegalArgumentException("sampling: top-k must be >= 0 (0 = off), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("sampling: top-p must be in (0, 1], got " + topP);
    }

    public static SamplingOptions greedy() {
        return new SamplingOptions(0, 0, 1);
    }
}
