package dev.minitape.core.ops;

import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.core.kernels.Parallel;
import dev.minitape.core.kernels.Tanh;

/** Elementwise functions of one tensor; each backward is the derivative times dy. */
public final class Pointwise {
    private Pointwise() {}

    /** √(2/π), the constant of GPT-2's tanh approximation of GELU. */
    private static final float GELU_C = 0.7978845608028654f;
    private static final float GELU_A = 0.044715f;

    /** y = eˣ      dx += y·dy */
    public static Tensor exp(Tensor x) {
        float[] xs = x.data(), y = Tape.outputBufferToOverwrite(xs.length, x);
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.exp(xs[i]);
        return Tape.record("exp", new Tensor(y, x.shape()), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) dx[i] += y[i] * dy[i];
        }, x);
    }

    /** y = ln x      dx += dy / x */
    public static Tensor log(Tensor x) {
        float[] xs = x.data(), y = Tape.outputBufferToOverwrite(xs.length, x);
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.log(xs[i]);
        return Tape.record("log", new Tensor(y, x.shape()), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) dx[i] += dy[i] / xs[i];
        }, x);
    }

    /** y = √x      dx += dy / (2y) */
    public static Tensor sqrt(Tensor x) {
        float[] xs = x.data(), y = Tape.outputBufferToOverwrite(xs.length, x);
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.sqrt(xs[i]);
        return Tape.record("sqrt", new Tensor(y, x.shape()), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) dx[i] += dy[i] / (2f * y[i]);
        }, x);
    }

    /** y = tanh x      dx += (1 − y²)·dy */
    public static Tensor tanh(Tensor x) {
        float[] xs = x.data(), y = Tape.outputBufferToOverwrite(xs.length, x);
        Tanh.apply(y, xs, y.length);
        return Tape.record("tanh", new Tensor(y, x.shape()), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) dx[i] += (1f - y[i] * y[i]) * dy[i];
        }, x);
    }

    /** y = 1 / (1 + e⁻ˣ)      dx += y·(1 − y)·dy */
    public static Tensor sigmoid(Tensor x) {
        float[] xs = x.data(), y = Tape.outputBufferToOverwrite(xs.length, x);
        for (int i = 0; i < y.length; i++) y[i] = (float) (1.0 / (1.0 + Math.exp(-xs[i])));
        return Tape.record("sigmoid", new Tensor(y, x.shape()), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) dx[i] += y[i] * (1f - y[i]) * dy[i];
        }, x);
    }

    /** y = max(x, 0)      dx += dy where x > 0 */
    public static Tensor relu(Tensor x) {
        float[] xs = x.data(), y = Tape.outputBufferToOverwrite(xs.length, x);
        for (int i = 0; i < y.length; i++) y[i] = xs[i] > 0f ? xs[i] : 0f;
        return Tape.record("relu", new Tensor(y, x.shape()), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) if (xs[i] > 0f) dx[i] += dy[i];
        }, x);
    }

    /**
     * GELU in the tanh form of GPT-2 (PyTorch's approximate='tanh'):
     * y = ½x(1 + t), t = tanh(u), u = √(2/π)(x + 0.044715x³)
     * dx += dy·[½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)]
     */
    public static Tensor gelu(Tensor x) {
        float[] xs = x.data(), t = geluTanh(x), y = Tape.outputBufferToOverwrite(xs.length, x);
        Parallel.forRange(y.length, 1 << 14, (from, to) -> {
            for (int i = from; i < to; i++) y[i] = 0.5f * xs[i] * (1f + t[i]);
        });
        // t is kept for the backward pass: the buffer the backward would allocate anyway, and one tanh saved
        return Tape.record("gelu", new Tensor(y, x.shape()), dy -> {
            float[] fresh = Tape.gradientToOverwrite(x), dx = fresh != null ? fresh : x.gradData();
            Parallel.forRange(dx.length, 1 << 14, (from, to) -> {
                if (fresh != null) {                    // a first gradient is written: 0 + g, as added into zeros
                    for (int i = from; i < to; i++) dx[i] = 0f + geluGrad(xs[i], t[i], dy[i]);
                } else {
                    for (int i = from; i < to; i++) dx[i] += geluGrad(xs[i], t[i], dy[i]);
                }
            });
        }, x);
    }

    /** dy·dGELU/dx at x, given t = tanh(u) (the formula above). */
    private static float geluGrad(float x, float t, float dy) {
        float du = GELU_C * (1f + 3f * GELU_A * x * x);
        return dy * (0.5f * (1f + t) + 0.5f * x * (1f - t * t) * du);
    }

    /** t = tanh(√(2/π)(x + 0.044715x³)) elementwise. */
    private static float[] geluTanh(Tensor x) {
        float[] xs = x.data(), t = Tape.outputBufferToOverwrite(xs.length, x);
        Parallel.forRange(t.length, 1 << 14, (from, to) -> {
            for (int i = from; i < to; i++) {
                float v = xs[i];
                t[i] = GELU_C * (v + GELU_A * v * v * v);
            }
        });
        Tanh.apply(t, t, t.length);
        return t;
    }
}
