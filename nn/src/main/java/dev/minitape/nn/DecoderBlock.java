package dev.minitape.nn;

import static dev.minitape.nn.MultiHeadAttention.Causality.CAUSAL;
import static dev.minitape.nn.MultiHeadAttention.Kind.CROSS;
import static dev.minitape.nn.MultiHeadAttention.Kind.SELF;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import java.util.function.UnaryOperator;

/**
 * A pre-LayerNorm decoder block with cross-attention: x + selfAttn(ln1(x)) (causal), then
 * x + crossAttn(ln2(x), memory), then x + mlp(ln3(x)).
 */
public final class DecoderBlock extends Module {
    public final LayerNorm ln1, ln2, ln3;
    public final MultiHeadAttention selfAttn, crossAttn;
    public final Mlp mlp;

    public DecoderBlock(int dim, int heads, float dropout, Rng rng) {
        this(dim, heads, dropout, rng, rng);
    }

    /** Initializes from {@code rng}; dropout draws from {@code dropoutRng}. */
    public DecoderBlock(int dim, int heads, float dropout, Rng rng, Rng dropoutRng) {
        this.ln1 = module("ln1", new LayerNorm(dim));
        this.selfAttn = module("self_attn", new MultiHeadAttention(dim, heads, dropout, SELF, rng, dropoutRng));
        this.ln2 = module("ln2", new LayerNorm(dim));
        this.crossAttn = module("cross_attn", new MultiHeadAttention(dim, heads, dropout, CROSS, rng, dropoutRng));
        this.ln3 = module("ln3", new LayerNorm(dim));
        this.mlp = module("mlp", new Mlp(dim, 4 * dim, dropout, rng, dropoutRng));
    }

    /**
     * @param x              decoder input (B, T, C)
     * @param memory         encoder output (B, S, C)
     * @param memoryPadding  (B, S) with 1 at padded source positions, or null
     * @param selfCache      this block's self-attention cache for incremental decoding, or null
     * @param crossCache     its cross-attention cache (the memory's keys and values), or null
     */
    public Tensor forward(Tensor x, Tensor memory, Tensor memoryPadding, KvCache selfCache, KvCache crossCache) {
        return run(x, memory, memoryPadding, selfCache, crossCache, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /**
     * The full pass (no caches) on positions held as rows of x, for example only the real ones (N, C): the
     * position-wise parts run on those rows, and each attention, which needs the (B, T, C) grid, gets
     * {@code toGrid} of its input and gives back {@code toRows} of its output.
     */
    public Tensor forwardRows(Tensor x, Tensor memory, Tensor memoryPadding, UnaryOperator<Tensor> toGrid,
                              UnaryOperator<Tensor> toRows) {
        return run(x, memory, memoryPadding, null, null, toGrid, toRows);
    }

    private Tensor run(Tensor x, Tensor memory, Tensor memoryPadding, KvCache selfCache, KvCache crossCache,
                       UnaryOperator<Tensor> toGrid, UnaryOperator<Tensor> toRows) {
        x = x.add(toRows.apply(selfAttn.selfAttention(toGrid.apply(ln1.forward(x)), CAUSAL, selfCache)));
        x = x.add(toRows.apply(crossAttn.crossAttention(toGrid.apply(ln2.forward(x)), memory, memoryPadding, crossCache)));
        return x.add(mlp.forward(ln3.forward(x)));
    }
}
