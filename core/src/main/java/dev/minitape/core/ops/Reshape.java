package dev.minitape.core.ops;

import dev.minitape.core.Shape;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import java.util.Arrays;

/** Ops that move values without changing them: reshape, transpose/permute, slice, concat. */
public final class Reshape {
    private Reshape() {}

    /** The same values in a new shape (one size may be −1, inferred); shares the data. dx += dy. */
    public static Tensor reshape(Tensor x, int... newShape) {
        int[] shape = inferShape(x, newShape);
        return Tape.record("reshape", new Tensor(x.data(), shape), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) dx[i] += dy[i];
        }, x);
    }

    private static int[] inferShape(Tensor x, int[] newShape) {
        int[] s = newShape.clone();
        int unknown = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1 && unknown < 0) unknown = i;
            else if (s[i] < 0) throw new IllegalArgumentException("reshape: bad size " + s[i] + " in " + Shape.str(newShape)
                    + " (sizes must be >= 0, with at most one -1)");
            else known *= s[i];
        }
        if (unknown >= 0 && known > 0 && x.numel() % known == 0) s[unknown] = x.numel() / known;
        if (unknown >= 0 && s[unknown] < 0 || Shape.numel(s) != x.numel()) {   // -1 left: no size fits it
            throw new IllegalArgumentException("reshape: cannot view shape " + Shape.str(x.shape()) + " (" + x.numel()
                    + " elements) as " + Shape.str(newShape));
        }
        return s;
    }

    /** Swaps two dims (a copy). */
    public static Tensor transpose(Tensor x, int d0, int d1) {
        int rank = x.dim();
        int a = Shape.dim("transpose", d0, rank), b = Shape.dim("transpose", d1, rank);
        int[] order = new int[rank];
        for (int i = 0; i < rank; i++) order[i] = i;
        order[a] = b;
        order[b] = a;
        return permute(x, order);
    }

    /** y's dim i is x's dim order[i] (a copy); the backward applies the inverse permutation. */
    public static Tensor permute(Tensor x, int... order) {
        int rank = x.dim();
        if (order.length != rank) {
            throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " has " + order.length
                    + " dims but the tensor has shape " + Shape.str(x.shape()));
        }
        int[] perm = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = Shape.dim("permute", order[i], rank);
            if (seen[perm[i]]) throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " repeats dim " + order[i]);
            seen[perm[i]] = true;
        }
        int[] xShape = x.shape(), xStrides = Shape.strides(xShape);
        int[] yShape = new int[rank], readStrides = new int[rank];
        for (int i = 0; i < rank; i++) {
            yShape[i] = xShape[perm[i]];
            readStrides[i] = xStrides[perm[i]];
        }
        float[] y = Tape.outputBuffer(x.numel(), x);
        copyStrided(y, x.data(), yShape, readStrides, false);
        return Tape.record("permute", new Tensor(y, yShape), dy -> copyStrided(dy, x.gradData(), yShape, readStrides, true), x);
    }

    /**
     * Walks y (contiguous, shape yShape) and x at {@code xStrides}: forward y[j] = x[at]; backward
     * (scatter) x[at] += y[j].
     */
    private static void copyStrided(float[] y, float[] x, int[] yShape, int[] xStrides, boolean scatterAdd) {
        int rank = yShape.length, total = y.length;
        if (total == 0) return;
        int[] idx = new int[rank];
        int at = 0;
        for (int j = 0; j < total; j++) {
            if (scatterAdd) x[at] += y[j];
            else y[j] = x[at];
            for (int d = rank - 1; d >= 0; d--) {
                idx[d]++;
                at += xStrides[d];
                if (idx[d] < yShape[d]) break;
                at -= xStrides[d] * yShape[d];
                idx[d] = 0;
            }
        }
    }

    /** y = x[..., start:end, ...] along dim (a copy); dx[..., start:end, ...] += dy. */
    public static Tensor slice(Tensor x, int dim, int start, int end) {
        int[] shape = x.shape();
        int d = Shape.dim("slice", dim, shape.length);
        if (start < 0 || end > shape[d] || start > end) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") is not within dim " + dim
                    + " of size " + shape[d] + " (shape " + Shape.str(shape) + ")");
        }
        int outer = Shape.outer(shape, d), inner = Shape.inner(shape, d), len = end - start;
        int[] yShape = shape.clone();
        yShape[d] = len;
        float[] xs = x.data(), y = Tape.outputBuffer(outer * len * inner, x);
        for (int o = 0; o < outer; o++) {
            System.arraycopy(xs, (o * shape[d] + start) * inner, y, o * len * inner, len * inner);
        }
        return Tape.record("slice", new Tensor(y, yShape), dy -> {
            float[] dx = x.gradData();
            for (int o = 0; o < outer; o++) {
                int from = o * len * inner, to = (o * shape[d] + start) * inner;
                for (int i = 0; i < len * inner; i++) dx[to + i] += dy[from + i];
            }
        }, x);
    }

    /** Joins tensors along dim; all other sizes must match. Each part's gradient is its slice of dy. */
    public static Tensor concat(int dim, Tensor... parts) {
        if (parts.length == 0) throw new IllegalArgumentException("concat: needs at least one tensor");
        int[] first = parts[0].shape();
        int d = Shape.dim("concat", dim, first.length);
        int sum = 0;
        for (Tensor p : parts) {
            int[] s = p.shape();
            boolean ok = s.length == first.length;
            for (int i = 0; ok && i < s.length; i++) ok = i == d || s[i] == first[i];
            if (!ok) {
                throw new IllegalArgumentException("concat: shape " + Shape.str(s) + " does not match " + Shape.str(first)
                        + " outside dim " + dim);
            }
            sum += s[d];
        }
        int total = sum;
        int outer = Shape.outer(first, d), inner = Shape.inner(first, d);
        int[] yShape = first.clone();
        yShape[d] = total;
        float[] y = Tape.outputBuffer(outer * total * inner, parts);
        int[] offsets = new int[parts.length];
        for (int p = 0, off = 0; p < parts.length; p++) {
            offsets[p] = off;
            int len = parts[p].size(d);
            for (int o = 0; o < outer; o++) {
                System.arraycopy(parts[p].data(), o * len * inner, y, (o * total + off) * inner, len * inner);
            }
            off += len;
        }
        return Tape.record("concat", new Tensor(y, yShape), dy -> {
            for (int p = 0; p < parts.length; p++) {
                if (!parts[p].requiresGrad()) continue;
                float[] dp = parts[p].gradData();
                int len = parts[p].size(d);
                for (int o = 0; o < outer; o++) {
                    int from = (o * total + offsets[p]) * inner, to = o * len * inner;
                    for (int i = 0; i < len * inner; i++) dp[to + i] += dy[from + i];
                }
            }
        }, parts);
    }
}
