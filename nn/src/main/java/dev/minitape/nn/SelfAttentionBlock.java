package dev.minitape.nn;

import dev.minitape.core.Rng;

/**
 * The parts a pre-LayerNorm self-attention block is made of, registered as ln1, attn, ln2, mlp (a 4·C
 * hidden layer); {@link TransformerBlock} (causal) and {@link EncoderBlock} (every unpadded key) say
 * how they run.
 */
public abstract class SelfAttentionBlock extends Module {
    public final LayerNorm ln1, ln2;
    public final MultiHeadAttention attn;
    public final Mlp mlp;

    /** Initializes from {@code rng}; dropout draws from {@code dropoutRng}. */
    SelfAttentionBlock(int dim, int heads, float dropout, Rng rng, Rng dropoutRng) {
        this.ln1 = module("ln1", new LayerNorm(dim));
        this.attn = module("attn", new MultiHeadAttention(dim, heads, dropout, MultiHeadAttention.Kind.SELF, rng, dropoutRng));
        this.ln2 = module("ln2", new LayerNorm(dim));
        this.mlp = module("mlp", new Mlp(dim, 4 * dim, dropout, rng, dropoutRng));
    }
}
