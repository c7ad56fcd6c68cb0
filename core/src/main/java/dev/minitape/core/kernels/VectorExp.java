package dev.minitape.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Exp}'s exponentials written with the incubating Vector API, used only when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} (this class is loaded by nothing else). Plain Java builds 2^k
 * from one exact factor per bit of k because JDK 17 vectorizes no float↔int conversion; here k becomes an
 * int lane and 2^(k+64) its float bits, which leaves the reduction and the polynomial as the whole cost:
 * <pre>
 *   q = p(r) as in Exp,   e^t = (q · 2^(k+64)) · 2^−64      (the first product is exact, the second rounds once)
 * </pre>
 * That is q·2^k rounded once, the value of every {@link Exp} path; results with k ≤ −128 flush to zero as
 * Exp's bit 7 does (a NaN argument stays NaN). So the bits are Exp's (ExpTest compares the two over a sweep
 * of floats), and the sums keep Exp's lanes: element j of a block adds into lane j with the same Kahan steps.
 */
final class VectorExp {
    private VectorExp() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static final float LOWEST = Exp.LOWEST, LOG2E = Exp.LOG2E, ROUND = Exp.ROUND;
    private static final float LN2_HI = Exp.LN2_HI, LN2_LO = Exp.LN2_LO;
    private static final float C6 = Exp.C6, C5 = Exp.C5, C4 = Exp.C4, C3 = Exp.C3, C2 = Exp.C2;
    private static final float TWO_TO_MINUS_64 = 0x1p-64f;

    /** out[i] = e^(in[i] − shift) for i in [0, n): Exp.block's bits on any path. */
    static void block(float[] out, float[] in, int n, float shift) {
        run(out, 0, in, 0, n, shift, null, null);
    }

    /**
     * e = e^(x[xAt + i] − shift) for i in [0, n): stored at y[yAt + i] when y is not null, and added into
     * lane i of sum/comp (Kahan, as Exp's accumulate) when sum is not null. Whole vectors in one loop body
     * without calls (C2 keeps vectors in registers only within what it inlines: a helper returning a vector
     * got boxed, several times slower), the last n mod L elements by the same float operations one at a time
     * (masks cost more than they save on a short block).
     */
    static void run(float[] y, int yAt, float[] x, int xAt, int n, float shift, float[] sum, float[] comp) {
        FloatVector c4 = FloatVector.broadcast(S, C4), c3 = FloatVector.broadcast(S, C3), c2 = FloatVector.broadcast(S, C2);
        FloatVector one = FloatVector.broadcast(S, 1f), ln2Hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(S, -LN2_LO);
        int whole = n - n % L;
        for (int i = 0; i < whole; i += L) {
            FloatVector t = FloatVector.fromArray(S, x, xAt + i).sub(shift).max(LOWEST);
            FloatVector k = t.fma(LOG2E, ROUND).sub(ROUND);                // round(t·log₂e), in [−150, 0]
            FloatVector r = k.fma(ln2Lo, k.fma(ln2Hi, t));
            FloatVector p = r.fma(C6, C5).fma(r, c4).fma(r, c3).fma(r, c2).fma(r, one);
            FloatVector q = p.fma(r, one);
            // the float k + ROUND + 191 holds the integer k + 191 in its low mantissa bits: shifted into the
            // exponent field they are the float 2^(k + 64)
            FloatVector scale = k.add(ROUND + 191f).reinterpretAsInts().lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector flush = k.add(128f).max(0f).min(1f);               // 0 for k ≤ −128, as Exp's bit 7; else 1
            FloatVector e = q.mul(scale).mul(TWO_TO_MINUS_64).mul(flush);
            if (y != null) e.intoArray(y, yAt + i);
            if (sum != null) {
                FloatVector s = FloatVector.fromArray(S, sum, i), c = FloatVector.fromArray(S, comp, i);
                FloatVector d = e.sub(c), total = s.add(d);
                total.sub(s).sub(d).intoArray(comp, i);
                total.intoArray(sum, i);
            }
        }
        for (int i = whole; i < n; i++) {
            float t = Math.max(x[xAt + i] - shift, LOWEST);
            float k = Math.fma(t, LOG2E, ROUND) - ROUND;
            float r = Math.fma(k, -LN2_LO, Math.fma(k, -LN2_HI, t));
            float q = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, C6, C5), r, C4), r, C3), r, C2), r, 1f), r, 1f);
            float scale = Float.intBitsToFloat(Float.floatToRawIntBits(k + (ROUND + 191f)) << 23);
            float e = q * scale * TWO_TO_MINUS_64 * Math.min(Math.max(k + 128f, 0f), 1f);
            if (y != null) y[yAt + i] = e;
            if (sum != null) {
                float d = e - comp[i], total = sum[i] + d;
                comp[i] = (total - sum[i]) - d;
                sum[i] = total;
            }
        }
    }
}
