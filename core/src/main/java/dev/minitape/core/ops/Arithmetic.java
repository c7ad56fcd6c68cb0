package dev.minitape.core.ops;

import dev.minitape.core.Shape;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.core.kernels.Broadcast;
import dev.minitape.core.kernels.Parallel;

/**
 * Arithmetic with NumPy broadcasting: add, sub, mul, div, and the scalar forms. A broadcast operand's
 * gradient is summed over the dims it was broadcast along, which the backward runs do by accumulating
 * with a step of 0.
 */
public final class Arithmetic {
    private Arithmetic() {}

    /** y = a + b      da += dy      db += dy */
    public static Tensor add(Tensor a, Tensor b) {
        Pair p = Pair.of("add", a, b);
        float[] x = a.data(), z = b.data(), y = Tape.outputBufferToOverwrite(Shape.numel(p.shape), a, b);
        p.runs((o, ai, as, bi, bs, n) -> {
            for (int i = 0; i < n; i++) y[o + i] = x[ai + i * as] + z[bi + i * bs];
        });
        return Tape.record("add", new Tensor(y, p.shape), dy -> {
            if (a.requiresGrad()) accumulate(p, a, dy, true);
            if (b.requiresGrad()) accumulate(p, b, dy, false);
        }, a, b);
    }

    /** y = a − b      da += dy      db −= dy */
    public static Tensor sub(Tensor a, Tensor b) {
        Pair p = Pair.of("sub", a, b);
        float[] x = a.data(), z = b.data(), y = Tape.outputBufferToOverwrite(Shape.numel(p.shape), a, b);
        p.runs((o, ai, as, bi, bs, n) -> {
            for (int i = 0; i < n; i++) y[o + i] = x[ai + i * as] - z[bi + i * bs];
        });
        return Tape.record("sub", new Tensor(y, p.shape), dy -> {
            if (a.requiresGrad()) accumulate(p, a, dy, true);
            if (b.requiresGrad()) {
                float[] db = b.gradData();
                p.runs((o, ai, as, bi, bs, n) -> {
                    for (int i = 0; i < n; i++) db[bi + i * bs] -= dy[o + i];
                });
            }
        }, a, b);
    }

    /** y = a·b      da += dy·b      db += dy·a */
    public static Tensor mul(Tensor a, Tensor b) {
        Pair p = Pair.of("mul", a, b);
        float[] x = a.data(), z = b.data(), y = Tape.outputBufferToOverwrite(Shape.numel(p.shape), a, b);
        p.runs((o, ai, as, bi, bs, n) -> {
            for (int i = 0; i < n; i++) y[o + i] = x[ai + i * as] * z[bi + i * bs];
        });
        return Tape.record("mul", new Tensor(y, p.shape), dy -> {
            if (a.requiresGrad()) {
                float[] da = a.gradData();
                p.runs((o, ai, as, bi, bs, n) -> {
                    for (int i = 0; i < n; i++) da[ai + i * as] += dy[o + i] * z[bi + i * bs];
                });
            }
            if (b.requiresGrad()) {
                float[] db = b.gradData();
                p.runs((o, ai, as, bi, bs, n) -> {
                    for (int i = 0; i < n; i++) db[bi + i * bs] += dy[o + i] * x[ai + i * as];
                });
            }
        }, a, b);
    }

    /** y = a / b      da += dy / b      db −= dy·a / b² */
    public static Tensor div(Tensor a, Tensor b) {
        Pair p = Pair.of("div", a, b);
        float[] x = a.data(), z = b.data(), y = Tape.outputBufferToOverwrite(Shape.numel(p.shape), a, b);
        p.runs((o, ai, as, bi, bs, n) -> {
            for (int i = 0; i < n; i++) y[o + i] = x[ai + i * as] / z[bi + i * bs];
        });
        return Tape.record("div", new Tensor(y, p.shape), dy -> {
            if (a.requiresGrad()) {
                float[] da = a.gradData();
                p.runs((o, ai, as, bi, bs, n) -> {
                    for (int i = 0; i < n; i++) da[ai + i * as] += dy[o + i] / z[bi + i * bs];
                });
            }
            if (b.requiresGrad()) {
                float[] db = b.gradData();
                p.runs((o, ai, as, bi, bs, n) -> {
                    for (int i = 0; i < n; i++) {
                        float zi = z[bi + i * bs];
                        db[bi + i * bs] -= dy[o + i] * x[ai + i * as] / (zi * zi);
                    }
                });
            }
        }, a, b);
    }

    /** y = x + c      dx += dy */
    public static Tensor addScalar(Tensor x, float c) {
        float[] xs = x.data(), y = Tape.outputBufferToOverwrite(xs.length, x);
        for (int i = 0; i < y.length; i++) y[i] = xs[i] + c;
        return Tape.record(withScalar("addScalar", c), new Tensor(y, x.shape()), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) dx[i] += dy[i];
        }, x);
    }

    /** y = c·x      dx += c·dy */
    public static Tensor mulScalar(Tensor x, float c) {
        float[] xs = x.data(), y = Tape.outputBufferToOverwrite(xs.length, x);
        for (int i = 0; i < y.length; i++) y[i] = xs[i] * c;
        return Tape.record(withScalar("mulScalar", c), new Tensor(y, x.shape()), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) dx[i] += c * dy[i];
        }, x);
    }

    /**
     * A scalar op's name on the tape carries its constant, since x.neg(), x.div(c) and x.sub(c) record as these
     * ops: x.neg() is {@code mulScalar[c=-1]}, x.sub(0.5f) is {@code addScalar[c=-0.5]}.
     */
    private static String withScalar(String op, float c) {
        String s = Float.toString(c);
        return op + "[c=" + (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + "]";
    }

    /** y = x^e      dx += e·x^(e−1)·dy */
    public static Tensor pow(Tensor x, float e) {
        float[] xs = x.data(), y = Tape.outputBufferToOverwrite(xs.length, x);
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.pow(xs[i], e);
        return Tape.record("pow", new Tensor(y, x.shape()), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) dx[i] += dy[i] * e * (float) Math.pow(xs[i], e - 1);
        }, x);
    }

    /**
     * dOperand += dy, summed over the dims the operand was broadcast along. An operand of the output's size
     * gets each element once: its first gradient is written (0 + dy), not added into cleared memory.
     */
    private static void accumulate(Pair p, Tensor operand, float[] dy, boolean first) {
        float[] fresh = operand.numel() == dy.length ? Tape.gradientToOverwrite(operand) : null;
        float[] d = fresh != null ? fresh : operand.gradData();
        p.runs((o, ai, as, bi, bs, n) -> {
            int at = first ? ai : bi, step = first ? as : bs;
            if (fresh != null) {
                for (int i = 0; i < n; i++) d[at + i * step] = 0f + dy[o + i];
            } else {
                for (int i = 0; i < n; i++) d[at + i * step] += dy[o + i];
            }
        });
    }

    /** The broadcast geometry of a binary op; same: both operands have the output's size (nothing broadcast). */
    private record Pair(int[] shape, int[] aStrides, int[] bStrides, boolean same) {
        static Pair of(String op, Tensor a, Tensor b) {
            int[] shape = Shape.broadcast(op, a.shape(), b.shape());
            int n = Shape.numel(shape);
            return new Pair(shape, Shape.broadcastStrides(a.shape(), shape), Shape.broadcastStrides(b.shape(), shape),
                    a.numel() == n && b.numel() == n);
        }

        /**
         * The runs of {@link Broadcast#runs}. Without broadcasting that is one run over independent elements
         * (a residual add), which threads split: each element is computed alone, so the bits do not change.
         */
        void runs(Broadcast.Run run) {
            if (same) {
                Parallel.forRange(Shape.numel(shape), 1 << 14, (from, to) -> run.apply(from, from, 1, from, 1, to - from));
            } else {
                Broadcast.runs(shape, aStrides, bStrides, run);
            }
        }
    }
}
