package dev.minitape.nn;

import static dev.minitape.nn.MultiHeadAttention.Causality.CAUSAL;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;

/**
 * A pre-LayerNorm decoder-only block (GPT-2): x + attn(ln1(x)) with a causal mask, then
 * x + mlp(ln2(x)).
 */
public final class TransformerBlock extends SelfAttentionBlock {
    public TransformerBlock(int dim, int heads, float dropout, Rng rng) {
        this(dim, heads, dropout, rng, rng);
    }

    /** Initializes from {@code rng}; dropout draws from {@code dropoutRng}. */
    public TransformerBlock(int dim, int heads, float dropout, Rng rng, Rng dropoutRng) {
        super(dim, heads, dropout, rng, dropoutRng);
    }

    /** x (B, T, C); cache null for a full pass, or the block's cache for incremental decoding. */
    public Tensor forward(Tensor x, KvCache cache) {
        x = x.add(attn.selfAttention(ln1.forward(x), CAUSAL, cache));
        return x.add(mlp.forward(ln2.forward(x)));
    }
}
