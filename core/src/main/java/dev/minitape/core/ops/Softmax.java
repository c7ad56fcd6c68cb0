package dev.minitape.core.ops;

import dev.minitape.core.Shape;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.core.kernels.SoftmaxKernel;

/** Softmax and log-softmax over one dim, each with a fused backward (see {@link SoftmaxKernel}). */
public final class Softmax {
    private Softmax() {}

    /** y = softmax(x) along dim      dx += y ⊙ (dy − Σ dy⊙y) */
    public static Tensor softmax(Tensor x, int dim) {
        return apply("softmax", x, dim, false);
    }

    /** y = x − logsumexp(x) along dim      dx += dy − softmax(x)·Σ dy */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return apply("logSoftmax", x, dim, true);
    }

    private static Tensor apply(String op, Tensor x, int dim, boolean log) {
        int[] shape = x.shape();
        int d = Shape.dim(op, dim, shape.length);
        int outer = Shape.outer(shape, d), len = shape[d], inner = Shape.inner(shape, d);
        float[] y = Tape.outputBuffer(x.numel(), x);
        SoftmaxKernel.forward(y, x.data(), outer, len, inner, log);
        return Tape.record(op, new Tensor(y, shape),
                dy -> SoftmaxKernel.backward(x.gradData(), dy, y, outer, len, inner, log), x);
    }
}
