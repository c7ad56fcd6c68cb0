package dev.minitape.core.kernels;

/** Exponentials of float arrays, the inner cost of softmax and cross-entropy. */
public final class Exp {
    private Exp() {}

    /**
     * y[at + i] = e^(x[at + i] − shift) for i in [0, len), returning Σ y in double. Callers pass the
     * row max as the shift, so every argument is ≤ 0 and nothing overflows.
     */
    public static double expShifted(float[] y, float[] x, int at, int len, float shift) {
        double sum = 0;
        for (int i = 0; i < len; i++) {
            float e = (float) Math.exp(x[at + i] - shift);
            y[at + i] = e;
            sum += e;
        }
        return sum;
    }

    /** Σ e^(x[at + i] − shift) in double, without storing the terms. */
    public static double sumExpShifted(float[] x, int at, int len, float shift) {
        double sum = 0;
        for (int i = 0; i < len; i++) sum += (float) Math.exp(x[at + i] - shift);
        return sum;
    }
}
