package dev.minitape.nn;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;

/** The Transformer's feed-forward block: fc (C → hidden), GELU, proj (hidden → C), dropout. */
public final class Mlp extends Module implements Layer {
    public final Linear fc;
    public final Linear proj;
    private final Dropout dropout;

    public Mlp(int dim, int hidden, float dropout, Rng rng) {
        this(dim, hidden, dropout, rng, rng);
    }

    /** Initializes from {@code rng}; dropout draws from {@code dropoutRng}. */
    public Mlp(int dim, int hidden, float dropout, Rng rng, Rng dropoutRng) {
        this.fc = module("fc", new Linear(dim, hidden, true, rng));
        this.proj = module("proj", new Linear(hidden, dim, true, rng));
        this.dropout = module("dropout", new Dropout(dropout, dropoutRng));
    }

    @Override
    public Tensor forward(Tensor x) {
        return dropout.forward(proj.forward(fc.forward(x).gelu()));
    }
}
