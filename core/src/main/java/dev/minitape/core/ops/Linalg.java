package dev.minitape.core.ops;

import dev.minitape.core.Shape;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.core.kernels.Matmul;
import dev.minitape.core.kernels.Parallel;
import java.util.Arrays;

/** Matrix products. */
public final class Linalg {
    private Linalg() {}

    /**
     * y = a·b for a (..., m, k) and b (..., k, n) → y (..., m, n); the leading batch dims broadcast.
     * dA += dy·bᵀ      dB += aᵀ·dy      (summed over the batches where an operand was broadcast)
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        int[] as = a.shape(), bs = b.shape();
        if (as.length < 2 || bs.length < 2) {
            throw new IllegalArgumentException("matmul: both operands need at least 2 dims, got " + Shape.str(as)
                    + " and " + Shape.str(bs));
        }
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        if (bs[bs.length - 2] != k) {
            throw new IllegalArgumentException("matmul: shapes " + Shape.str(as) + " and " + Shape.str(bs)
                    + " do not chain (a has " + k + " columns, b has " + bs[bs.length - 2] + " rows)");
        }
        Batches bt = Batches.of(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2), m * k, k * n, m * n);
        int[] yShape = Arrays.copyOf(bt.shape, bt.shape.length + 2);
        yShape[yShape.length - 2] = m;
        yShape[yShape.length - 1] = n;
        float[] y = Tape.outputBuffer(bt.count * m * n, a, b);
        Matmul.nn(y, bt.yOff, a.data(), bt.aOff, b.data(), bt.bOff, m, k, n);
        return Tape.record("matmul", new Tensor(y, yShape), dy -> {
            if (a.requiresGrad()) {
                // dA (m×k) += dy (m×n) · Bᵀ where B is (k×n)
                float[] da = bt.aBroadcast ? new float[bt.count * m * k] : a.gradData();
                Matmul.nt(da, bt.aBroadcast ? bt.expanded(m * k) : bt.aOff, dy, bt.yOff, b.data(), bt.bOff, m, n, k);
                if (bt.aBroadcast) bt.reduceInto(a.gradData(), da, bt.aOff, m * k);
            }
            if (b.requiresGrad()) {
                // dB (k×n) += Aᵀ · dy where A is (m×k)
                float[] db = bt.bBroadcast ? new float[bt.count * k * n] : b.gradData();
                Matmul.tn(db, bt.bBroadcast ? bt.expanded(k * n) : bt.bOff, a.data(), bt.aOff, dy, bt.yOff, k, m, n);
                if (bt.bBroadcast) bt.reduceInto(b.gradData(), db, bt.bOff, k * n);
            }
        }, a, b);
    }

    /**
     * A linear layer: y = x·wᵀ + b for x (..., I), w (O, I), b (O) or null → y (..., O).
     * dx += dy·w      dw += dyᵀ·x      db += Σ_rows dy
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        int[] xs = x.shape(), ws = w.shape();
        if (xs.length < 1 || ws.length != 2 || xs[xs.length - 1] != ws[1]) {
            throw new IllegalArgumentException("linear: input " + Shape.str(xs) + " and weight " + Shape.str(ws)
                    + " do not fit (expected input (..., I) and weight (O, I))");
        }
        if (b != null && (b.dim() != 1 || b.size(0) != ws[0])) {
            throw new IllegalArgumentException("linear: bias of shape " + Shape.str(b.shape()) + " does not match "
                    + ws[0] + " outputs");
        }
        int in = ws[1], out = ws[0], n = x.numel() / Math.max(1, in);
        // with a bias, every row of y starts as a copy of it; without, at zeros
        float[] y = b != null ? Tape.outputBufferToOverwrite(n * out, x, w, b) : Tape.outputBuffer(n * out, x, w, b);
        if (b != null) for (int r = 0; r < n; r++) System.arraycopy(b.data(), 0, y, r * out, out);
        Matmul.nt(y, 0, x.data(), 0, w.data(), 0, n, in, out);
        int[] yShape = xs.clone();
        yShape[yShape.length - 1] = out;
        return Tape.record("linear", new Tensor(y, yShape), dy -> {
            if (x.requiresGrad()) {
                float[] fresh = Tape.gradientToOverwrite(x);   // the first gradient to reach x is written
                if (fresh != null) Matmul.nnOverwrite(fresh, 0, dy, 0, w.data(), 0, n, out, in);
                else Matmul.nn(x.gradData(), 0, dy, 0, w.data(), 0, n, out, in);
            }
            if (w.requiresGrad()) Matmul.tn(w.gradData(), 0, dy, 0, x.data(), 0, out, n, in);
            if (b != null && b.requiresGrad()) {
                // threads split the columns; each column sums its rows in order, whatever the thread count
                float[] db = b.gradData();
                Parallel.forRange(out, Math.max(1, out / Parallel.threads()), (j0, j1) -> {
                    for (int r = 0; r < n; r++) {
                        int at = r * out;
                        for (int j = j0; j < j1; j++) db[j] += dy[at + j];
                    }
                });
            }
        }, x, w, b);
    }

    /** The broadcast batch dims of a matmul: one offset into a, b and y per output matrix. */
    private static final class Batches {
        final int[] shape;
        final int count;
        final int[] aOff, bOff, yOff;
        final boolean aBroadcast, bBroadcast;   // an operand's matrix is reused by several outputs

        private Batches(int[] shape, int[] aOff, int[] bOff, int[] yOff, boolean aBroadcast, boolean bBroadcast) {
            this.shape = shape;
            this.count = yOff.length;
            this.aOff = aOff;
            this.bOff = bOff;
            this.yOff = yOff;
            this.aBroadcast = aBroadcast;
            this.bBroadcast = bBroadcast;
        }

        static Batches of(int[] aBatch, int[] bBatch, int aSize, int bSize, int ySize) {
            int[] shape = Shape.broadcast("matmul (batch dims)", aBatch, bBatch);
            int count = Shape.numel(shape);
            int[] aStr = Shape.broadcastStrides(aBatch, shape), bStr = Shape.broadcastStrides(bBatch, shape);
            int[] aOff = new int[count], bOff = new int[count], yOff = new int[count];
            int[] idx = new int[shape.length];
            for (int i = 0; i < count; i++) {
                int ai = 0, bi = 0;
                for (int d = 0; d < shape.length; d++) {
                    ai += idx[d] * aStr[d];
                    bi += idx[d] * bStr[d];
                }
                aOff[i] = ai * aSize;
                bOff[i] = bi * bSize;
                yOff[i] = i * ySize;
                for (int d = shape.length - 1; d >= 0 && ++idx[d] == shape[d]; d--) idx[d] = 0;
            }
            return new Batches(shape, aOff, bOff, yOff, count > Shape.numel(aBatch), count > Shape.numel(bBatch));
        }

        /** Offsets of one private matrix per output batch, for gradients of a broadcast operand. */
        int[] expanded(int size) {
            int[] off = new int[count];
            for (int i = 0; i < count; i++) off[i] = i * size;
            return off;
        }

        /** grad[off[i] ..] += parts[i·size ..] for every batch i: sums a broadcast operand's gradient. */
        void reduceInto(float[] grad, float[] parts, int[] off, int size) {
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < size; j++) grad[off[i] + j] += parts[i * size + j];
            }
        }
    }
}
