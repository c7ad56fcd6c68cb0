package dev.minitape.core.kernels;

/**
 * tanh of a float array through {@link Exp}'s vectorized exponentials instead of the scalar
 * {@link Math#tanh} (about 25 ns an element here against about 4, which made GELU the costliest op of a GPT
 * step):
 * <pre>
 *   e = e^(−2|u|) ∈ (0, 1],   tanh |u| = (1 − e)/(1 + e),   tanh u = sign(u)·tanh |u|
 * </pre>
 * Every exponent is ≤ 0, so nothing overflows; |u| ≥ 52 gives e = 0 and tanh = ±1 exactly. The absolute
 * error is a few float ulps of 1 (1 − e cancels for tiny |u|, where tanh u ≈ u: the relative error there grows
 * as ~6e−8/|u|, the absolute one does not). Elements are independent: the same bits for any thread count.
 */
public final class Tanh {
    private Tanh() {}

    private static final int BLOCK = 512;

    /** A block of arguments and of results, per thread: loops indexed from 0 on their own arrays vectorize. */
    private static final class Scratch {
        final float[] u = new float[BLOCK], e = new float[BLOCK];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** t[i] = tanh(u[i]) for i in [0, n); t may be u. */
    public static void apply(float[] t, float[] u, int n) {
        Parallel.forRange((n + BLOCK - 1) / BLOCK, 16, (from, to) -> {
            Scratch s = SCRATCH.get();
            float[] a = s.u, e = s.e;
            for (int block = from; block < to; block++) {
                int at = block * BLOCK, len = Math.min(BLOCK, n - at);
                System.arraycopy(u, at, a, 0, len);
                for (int j = 0; j < len; j++) e[j] = -2f * Math.abs(a[j]);
                Exp.expShifted(e, e, 0, len, 0f);
                // branch-free sign: a data-dependent branch here mispredicts half the time
                for (int j = 0; j < len; j++) e[j] = Math.copySign((1f - e[j]) / (1f + e[j]), a[j]);
                System.arraycopy(e, 0, t, at, len);
            }
        });
    }
}
