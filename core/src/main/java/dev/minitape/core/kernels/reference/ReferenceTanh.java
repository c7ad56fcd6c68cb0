package dev.minitape.core.kernels.reference;

/**
 * tanh of a float array through {@link Math#tanh}, with {@link dev.minitape.core.kernels.Tanh}'s contract
 * (t may be u). GELU's tanh goes through here too: gelu(x) = ½x·(1 + tanh(√(2/π)·(x + 0.044715x³))).
 */
public final class ReferenceTanh {
    private ReferenceTanh() {}

    /** t[i] = tanh(u[i]) = (e^u − e^−u)/(e^u + e^−u) for i in [0, n). */
    public static void apply(float[] t, float[] u, int n) {
        for (int i = 0; i < n; i++) t[i] = (float) Math.tanh(u[i]);
    }
}
