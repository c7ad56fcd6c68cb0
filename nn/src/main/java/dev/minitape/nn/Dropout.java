package dev.minitape.nn;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;

/** Inverted dropout with probability p while training; the identity in eval mode or when p = 0. */
public final class Dropout extends Module implements Layer {
    private final float p;
    private final Rng rng;

    public Dropout(float p, Rng rng) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        return isTraining() && p > 0 ? x.dropout(p, rng) : x;
    }

    /** Whether it drops anything when training (p > 0). */
    public boolean active() {
        return p > 0;
    }

    @Override
    protected String describe() {
        return "p=" + p;
    }
}
