package dev.minitape.core.kernels.reference;

/**
 * Exponentials through {@link Math#exp}, with {@link dev.minitape.core.kernels.Exp}'s public contract: the
 * caller passes the row max as the shift, so every argument is ≤ 0 and nothing overflows.
 */
public final class ReferenceExp {
    private ReferenceExp() {}

    /** y[at + i] = e^(x[at + i] − shift) for i in [0, len) (y may be null: nothing stored); returns Σ_i e^(x_i − shift). */
    public static double expShifted(float[] y, float[] x, int at, int len, float shift) {
        double sum = 0;
        for (int i = at; i < at + len; i++) {
            double e = Math.exp((double) x[i] - shift);
            if (y != null) y[i] = (float) e;
            sum += e;
        }
        return sum;
    }
}
