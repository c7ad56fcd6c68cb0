package dev.minitape.nn;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import dev.minitape.core.ops.Linalg;

/**
 * y = x·Wᵀ + b for x (..., in) → (..., out), W (out, in). PyTorch's default init: W and b uniform in
 * (−1/√in, 1/√in).
 */
public final class Linear extends Module implements Layer {
    public final Parameter weight;
    public final Parameter bias;     // null without bias
    private final int in, out;

    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: sizes must be positive, got in=" + in + ", out=" + out);
        this.in = in;
        this.out = out;
        this.weight = parameter("weight", new Parameter(new float[in * out], out, in));
        Init.kaimingUniform(weight, Math.sqrt(5), rng);
        if (bias) {
            this.bias = parameter("bias", new Parameter(new float[out], out));
            double bound = 1 / Math.sqrt(in);
            Init.uniform(this.bias, -bound, bound, rng);
        } else {
            this.bias = null;
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        return Linalg.linear(x, weight, bias);
    }

    @Override
    protected String describe() {
        return "in=" + in + ", out=" + out + ", bias=" + (bias != null);
    }
}
