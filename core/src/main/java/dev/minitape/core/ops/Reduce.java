package dev.minitape.core.ops;

import dev.minitape.core.Shape;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;

/**
 * Reductions over all elements or one dim (keepDim keeps it with size 1). A tensor is viewed as
 * (outer, D, inner) around the reduced dim; sums accumulate in double.
 */
public final class Reduce {
    private Reduce() {}

    /** y = Σᵢ xᵢ      dxᵢ += dy */
    public static Tensor sum(Tensor x) {
        return scaledTotal("sum", x, 1.0);
    }

    /** y = Σᵢ xᵢ / n      dxᵢ += dy / n */
    public static Tensor mean(Tensor x) {
        if (x.numel() == 0) throw new IllegalArgumentException("mean: tensor of shape " + Shape.str(x.shape()) + " is empty");
        return scaledTotal("mean", x, 1.0 / x.numel());
    }

    private static Tensor scaledTotal(String op, Tensor x, double scale) {
        float[] xs = x.data();
        double s = 0;
        for (float v : xs) s += v;
        return Tape.record(op, new Tensor(new float[] {(float) (s * scale)}), dy -> {
            float[] dx = x.gradData();
            float g = (float) (dy[0] * scale);
            for (int i = 0; i < dx.length; i++) dx[i] += g;
        }, x);
    }

    /** y[o, i] = Σ_d x[o, d, i]      dx[o, d, i] += dy[o, i] */
    public static Tensor sum(Tensor x, int dim, boolean keepDim) {
        return scaledSum("sum", x, dim, keepDim, false);
    }

    /** y[o, i] = Σ_d x[o, d, i] / D      dx[o, d, i] += dy[o, i] / D */
    public static Tensor mean(Tensor x, int dim, boolean keepDim) {
        return scaledSum("mean", x, dim, keepDim, true);
    }

    private static Tensor scaledSum(String op, Tensor x, int dim, boolean keepDim, boolean mean) {
        int[] shape = x.shape();
        int d = Shape.dim(op, dim, shape.length);
        int outer = Shape.outer(shape, d), len = shape[d], inner = Shape.inner(shape, d);
        if (mean && len == 0) throw new IllegalArgumentException(op + ": dim " + dim + " of shape " + Shape.str(shape) + " is empty");
        double scale = mean ? 1.0 / len : 1.0;
        float[] xs = x.data(), y = Tape.outputBuffer(outer * inner, x);
        double[] acc = new double[inner];
        for (int o = 0; o < outer; o++) {
            java.util.Arrays.fill(acc, 0.0);
            for (int k = 0; k < len; k++) {
                int base = (o * len + k) * inner;
                for (int i = 0; i < inner; i++) acc[i] += xs[base + i];
            }
            for (int i = 0; i < inner; i++) y[o * inner + i] = (float) (acc[i] * scale);
        }
        return Tape.record(op, new Tensor(y, Shape.reduce(shape, d, keepDim)), dy -> {
            float[] dx = x.gradData();
            for (int o = 0; o < outer; o++) {
                for (int k = 0; k < len; k++) {
                    int base = (o * len + k) * inner;
                    for (int i = 0; i < inner; i++) dx[base + i] += (float) (dy[o * inner + i] * scale);
                }
            }
        }, x);
    }

    /**
     * y = max over all elements. As in PyTorch, the gradient is shared evenly among the positions that
     * hold the maximum: dxᵢ += dy / (number of ties) where xᵢ = y.
     */
    public static Tensor max(Tensor x) {
        float[] xs = x.data();
        if (xs.length == 0) throw new IllegalArgumentException("max: tensor of shape " + Shape.str(x.shape()) + " is empty");
        float best = xs[0];
        for (float v : xs) if (v > best || Float.isNaN(v)) best = v;
        float y = best;
        return Tape.record("max", new Tensor(new float[] {y}), dy -> {
            float[] dx = x.gradData();
            int ties = 0;
            for (float v : xs) if (holdsMax(v, y)) ties++;
            for (int i = 0; i < xs.length; i++) if (holdsMax(xs[i], y)) dx[i] += dy[0] / ties;
        }, x);
    }

    /** Whether v ties for the maximum: equal to it (−0 == +0), or a NaN when the maximum is NaN. */
    private static boolean holdsMax(float v, float max) {
        return Float.isNaN(max) ? Float.isNaN(v) : v == max;
    }

    /** y[o, i] = max_d x[o, d, i]; dx[o, argmax, i] += dy[o, i] (the first maximum, as PyTorch's max(dim)). */
    public static Tensor max(Tensor x, int dim, boolean keepDim) {
        int[] shape = x.shape();
        int d = Shape.dim("max", dim, shape.length);
        int outer = Shape.outer(shape, d), len = shape[d], inner = Shape.inner(shape, d);
        if (len == 0) throw new IllegalArgumentException("max: dim " + dim + " of shape " + Shape.str(shape) + " is empty");
        float[] xs = x.data(), y = Tape.outputBuffer(outer * inner, x);
        int[] arg = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = o * len * inner + i;
                for (int k = 1; k < len; k++) {
                    int at = (o * len + k) * inner + i;
                    if (xs[at] > xs[best] || Float.isNaN(xs[at]) && !Float.isNaN(xs[best])) best = at;
                }
                y[o * inner + i] = xs[best];
                arg[o * inner + i] = best;
            }
        }
        return Tape.record("max", new Tensor(y, Shape.reduce(shape, d, keepDim)), dy -> {
            float[] dx = x.gradData();
            for (int j = 0; j < arg.length; j++) dx[arg[j]] += dy[j];
        }, x);
    }
}
