package dev.minitape.nn;

import dev.minitape.core.Tensor;
import dev.minitape.core.ops.Norm;

/** Layer normalization over the last dim with a learned gain (init 1) and bias (init 0); ε = 1e-5. */
public final class LayerNorm extends Module implements Layer {
    public final Parameter weight;
    public final Parameter bias;
    private final float eps;

    public LayerNorm(int dim) {
        this(dim, 1e-5f);
    }

    public LayerNorm(int dim, float eps) {
        if (dim <= 0) throw new IllegalArgumentException("LayerNorm: size must be positive, got " + dim);
        this.eps = eps;
        this.weight = parameter("weight", Parameter.of(Tensor.ones(dim)));
        this.bias = parameter("bias", Parameter.of(Tensor.zeros(dim)));
    }

    @Override
    public Tensor forward(Tensor x) {
        return Norm.layerNorm(x, weight, bias, eps);
    }

    @Override
    protected String describe() {
        return weight.size(0) + ", eps=" + eps;
    }
}
