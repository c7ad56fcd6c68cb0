package dev.minitape.core.ops;

import dev.minitape.core.Shape;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.core.kernels.LayerNormKernel;

/** Normalization layers' ops, each with a fused backward. */
public final class Norm {
    private Norm() {}

    /**
     * Layer norm over the last dim: y = (x − μ)/√(σ² + ε)·γ + β (see {@link LayerNormKernel} for the
     * gradient). gamma and beta are (C) or null.
     */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int[] shape = x.shape();
        if (shape.length == 0) throw new IllegalArgumentException("layerNorm: needs at least 1 dim, got a scalar");
        int c = shape[shape.length - 1], n = x.numel() / Math.max(1, c);
        for (Tensor p : new Tensor[] {gamma, beta}) {
            if (p != null && (p.dim() != 1 || p.size(0) != c)) {
                throw new IllegalArgumentException("layerNorm: parameter of shape " + Shape.str(p.shape())
                        + " does not match the normalized size " + c + " of input " + Shape.str(shape));
            }
        }
        float[] y = Tape.outputBufferToOverwrite(x.numel(), x, gamma, beta);
        float[] mean = Tape.outputBufferToOverwrite(n, x, gamma, beta), rstd = Tape.outputBufferToOverwrite(n, x, gamma, beta);
        float[] g = gamma == null ? null : gamma.data(), b = beta == null ? null : beta.data();
        LayerNormKernel.forward(y, mean, rstd, x.data(), g, b, n, c, eps);
        return Tape.record("layerNorm", new Tensor(y, shape), dy -> LayerNormKernel.backward(
                x.requiresGrad() ? x.gradData() : null,
                gamma != null && gamma.requiresGrad() ? gamma.gradData() : null,
                beta != null && beta.requiresGrad() ? beta.gradData() : null,
                dy, x.data(), mean, rstd, g, n, c), x, gamma, beta);
    }
}
