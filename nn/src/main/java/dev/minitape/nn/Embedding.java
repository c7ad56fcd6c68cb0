package dev.minitape.nn;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import dev.minitape.core.ops.Index;

/**
 * A table of V vectors of width C, looked up by id. Init N(0, 1) as PyTorch; the optional padding row
 * starts at zero and its gradient is never updated.
 */
public final class Embedding extends Module {
    public final Parameter weight;
    private final int paddingIndex;

    public Embedding(int count, int dim, Rng rng) {
        this(count, dim, -1, rng);
    }

    /** @param paddingIndex the id whose vector stays zero, or −1 */
    public Embedding(int count, int dim, int paddingIndex, Rng rng) {
        if (count <= 0 || dim <= 0) throw new IllegalArgumentException("Embedding: sizes must be positive, got " + count + "×" + dim);
        if (paddingIndex < -1 || paddingIndex >= count) {
            throw new IllegalArgumentException("Embedding: padding index " + paddingIndex + " is outside 0.." + (count - 1));
        }
        this.paddingIndex = paddingIndex;
        this.weight = parameter("weight", new Parameter(new float[count * dim], count, dim));
        Init.normal(weight, 0, 1, rng);
        if (paddingIndex >= 0) java.util.Arrays.fill(weight.data(), paddingIndex * dim, (paddingIndex + 1) * dim, 0f);
    }

    /** ids of any shape s → vectors of shape (s..., C). */
    public Tensor forward(int[] ids, int... shape) {
        int[] outShape = java.util.Arrays.copyOf(shape, shape.length + 1);
        outShape[shape.length] = weight.size(1);
        return Index.embedding(weight, ids, paddingIndex).reshape(outShape);
    }

    @Override
    protected String describe() {
        return weight.size(0) + "×" + weight.size(1) + (paddingIndex >= 0 ? ", padding=" + paddingIndex : "");
    }
}
