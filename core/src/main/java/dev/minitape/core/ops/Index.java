package dev.minitape.core.ops;

import dev.minitape.core.Shape;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;

/** Ops that read by index or by mask: gather, indexSelect (embedding lookup), maskedFill. */
public final class Index {
    private Index() {}

    /**
     * PyTorch's gather along dim. With x viewed as (outer, D, inner), {@code index} holds
     * outer·K·inner positions in [0, D) laid out as (outer, K, inner), and
     * y[o, j, i] = x[o, index[o, j, i], i]      dx[o, index[o, j, i], i] += dy[o, j, i].
     * K is inferred from index.length; y has x's shape with dim set to K.
     */
    public static Tensor gather(Tensor x, int dim, int[] index) {
        int[] shape = x.shape();
        int d = Shape.dim("gather", dim, shape.length);
        int outer = Shape.outer(shape, d), len = shape[d], inner = Shape.inner(shape, d);
        int rows = outer * inner;
        if (rows == 0 || index.length % rows != 0) {
            throw new IllegalArgumentException("gather: " + index.length + " indices do not fill shape " + Shape.str(shape)
                    + " with dim " + dim + " replaced (need a multiple of " + rows + ")");
        }
        int k = index.length / rows;
        int[] yShape = shape.clone();
        yShape[d] = k;
        int[] src = new int[index.length];
        for (int o = 0, j = 0; o < outer; o++) {
            for (int kk = 0; kk < k; kk++) {
                for (int i = 0; i < inner; i++, j++) {
                    int at = index[j];
                    if (at < 0 || at >= len) {
                        throw new IllegalArgumentException("gather: index " + at + " at position " + j
                                + " is out of range for dim " + dim + " of size " + len);
                    }
                    src[j] = (o * len + at) * inner + i;
                }
            }
        }
        return readAt("gather", x, src, yShape);
    }

    /**
     * Selects slices along dim: y[o, j, i] = x[o, index[j], i]; dx[o, index[j], i] += dy[o, j, i].
     * An embedding lookup is {@code weight.indexSelect(0, tokens)}.
     */
    public static Tensor indexSelect(Tensor x, int dim, int[] index) {
        int[] shape = x.shape();
        int d = Shape.dim("indexSelect", dim, shape.length);
        int outer = Shape.outer(shape, d), len = shape[d], inner = Shape.inner(shape, d);
        for (int j = 0; j < index.length; j++) {
            if (index[j] < 0 || index[j] >= len) {
                throw new IllegalArgumentException("indexSelect: index " + index[j] + " at position " + j
                        + " is out of range for dim " + dim + " of size " + len);
            }
        }
        int k = index.length;
        int[] yShape = shape.clone();
        yShape[d] = k;
        float[] xs = x.data(), y = Tape.outputBuffer(outer * k * inner, x);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < k; j++) System.arraycopy(xs, (o * len + index[j]) * inner, y, (o * k + j) * inner, inner);
        }
        return Tape.record("indexSelect", new Tensor(y, yShape), dy -> {
            float[] dx = x.gradData();
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < k; j++) {
                    int to = (o * len + index[j]) * inner, from = (o * k + j) * inner;
                    for (int i = 0; i < inner; i++) dx[to + i] += dy[from + i];
                }
            }
        }, x);
    }

    /**
     * An embedding lookup: y (n, C) = rows {@code ids} of weight (V, C). Gradients scatter-add into the
     * looked-up rows, except the row {@code paddingIndex} (−1 for none), which stays fixed as in
     * PyTorch's padding_idx.
     */
    public static Tensor embedding(Tensor weight, int[] ids, int paddingIndex) {
        if (weight.dim() != 2) {
            throw new IllegalArgumentException("embedding: weight must be (V, C), got " + Shape.str(weight.shape()));
        }
        int v = weight.size(0), c = weight.size(1);
        float[] w = weight.data(), y = Tape.outputBufferToOverwrite(ids.length * c, weight);
        for (int j = 0; j < ids.length; j++) {
            if (ids[j] < 0 || ids[j] >= v) {
                throw new IllegalArgumentException("embedding: id " + ids[j] + " at position " + j
                        + " is out of range for a table of " + v + " rows (expected 0.." + (v - 1) + ")");
            }
            System.arraycopy(w, ids[j] * c, y, j * c, c);
        }
        return Tape.record("embedding", new Tensor(y, ids.length, c), dy -> {
            float[] dw = weight.gradData();
            for (int j = 0; j < ids.length; j++) {
                if (ids[j] == paddingIndex) continue;
                int to = ids[j] * c, from = j * c;
                for (int i = 0; i < c; i++) dw[to + i] += dy[from + i];
            }
        }, weight);
    }

    /** y[j] = x[src[j]]      dx[src[j]] += dy[j] */
    private static Tensor readAt(String op, Tensor x, int[] src, int[] yShape) {
        float[] xs = x.data(), y = Tape.outputBuffer(src.length, x);
        for (int j = 0; j < src.length; j++) y[j] = xs[src[j]];
        return Tape.record(op, new Tensor(y, yShape), dy -> {
            float[] dx = x.gradData();
            for (int j = 0; j < src.length; j++) dx[src[j]] += dy[j];
        }, x);
    }

    /**
     * y = value where mask ≠ 0, else x; the mask broadcasts to x's shape (a causal mask (T, T) over
     * scores (B, H, T, T), say). dx += dy where mask = 0.
     */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        int[] shape = x.shape();
        int[] out = Shape.broadcast("maskedFill", shape, mask.shape());
        if (!java.util.Arrays.equals(out, shape)) {
            throw new IllegalArgumentException("maskedFill: mask of shape " + Shape.str(mask.shape())
                    + " does not broadcast to the tensor's shape " + Shape.str(shape));
        }
        boolean[] filled = new boolean[x.numel()];
        float[] m = mask.data();
        dev.minitape.core.kernels.Broadcast.runs(shape, Shape.strides(shape), Shape.broadcastStrides(mask.shape(), shape),
                (o, ai, as, bi, bs, n) -> {
                    for (int i = 0; i < n; i++) filled[o + i] = m[bi + i * bs] != 0f;
                });
        float[] xs = x.data(), y = Tape.outputBuffer(xs.length, x);
        for (int i = 0; i < y.length; i++) y[i] = filled[i] ? value : xs[i];
        return Tape.record("maskedFill", new Tensor(y, shape), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) if (!filled[i]) dx[i] += dy[i];
        }, x);
    }
}
