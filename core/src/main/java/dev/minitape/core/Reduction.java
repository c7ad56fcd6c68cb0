package dev.minitape.core;

/** How {@link CrossEntropy} combines the per-position losses. */
public enum Reduction {
    /**
     * The weighted mean over kept positions: Σ loss / Σ w[y] over rows whose target is not ignored
     * (the number of kept rows without class weights); for soft targets, Σ loss / N. As PyTorch, except
     * that when nothing is kept the loss is 0 with a zero gradient (PyTorch returns NaN).
     */
    MEAN,
    /** Σ loss over all positions. */
    SUM,
    /** One loss per position (the logits' shape without the class axis); ignored positions hold 0. */
    NONE,
    /**
     * For (B, T, V) logits: the mean over sequences of each sequence's own MEAN over its tokens, so long
     * and short sequences count alike (fairseq's sentence averaging). Sequences with no kept token are
     * left out; if none has one, the loss is 0 with a zero gradient.
     */
    SEQUENCE_MEAN
}
