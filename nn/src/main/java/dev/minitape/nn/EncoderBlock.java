package dev.minitape.nn;

import static dev.minitape.nn.MultiHeadAttention.Causality.BIDIRECTIONAL;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import java.util.function.UnaryOperator;

/** A pre-LayerNorm encoder block: x + attn(ln1(x)) over all unpadded positions, then x + mlp(ln2(x)). */
public final class EncoderBlock extends SelfAttentionBlock {
    /** Initializes from {@code rng}; dropout draws from it too. */
    public EncoderBlock(int dim, int heads, float dropout, Rng rng) {
        super(dim, heads, dropout, rng, rng);
    }

    /** x (B, S, C); padding (B, S) with 1 at padded source positions, or null. */
    public Tensor forward(Tensor x, Tensor padding) {
        return forwardRows(x, padding, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /**
     * The block on positions held as rows of x, for example only the unpadded ones (N, C): the position-wise
     * parts run on those rows, and attention, which needs the (B, S, C) grid, gets {@code toGrid} of its
     * input and gives back {@code toRows} of its output.
     */
    public Tensor forwardRows(Tensor x, Tensor padding, UnaryOperator<Tensor> toGrid, UnaryOperator<Tensor> toRows) {
        x = x.add(toRows.apply(attn.selfAttention(toGrid.apply(ln1.forward(x)), BIDIRECTIONAL, padding)));
        return x.add(mlp.forward(ln2.forward(x)));
    }
}
