package dev.minitape.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The cross-entropy kernel's max sweep written with the incubating Vector API (loaded only when the JVM runs
 * with {@code --add-modules jdk.incubator.vector}): the row's largest and smallest values straight from the
 * logits, where the plain sweep copies each block into scratch first, then the first index of the largest
 * value, found a vector at a time.
 */
final class VectorArgmax {
    private VectorArgmax() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** What {@link #of} returns for a row holding a NaN: the caller takes its scalar rule. */
    static final int NAN_ROW = Integer.MIN_VALUE;

    /**
     * The first index in [0, v) of the largest z[at + j], or −1 when none exceeds −∞, or {@link #NAN_ROW};
     * the row's smallest value goes to min[0].
     */
    static int of(float[] z, int at, int v, float[] min) {
        int whole = v - v % L;
        FloatVector hi = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), lo = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
        for (int i = 0; i < whole; i += L) {
            FloatVector x = FloatVector.fromArray(S, z, at + i);
            hi = hi.max(x);                                           // Math.max's rule: a NaN lane stays NaN
            lo = lo.min(x);
        }
        float m = hi.reduceLanes(VectorOperators.MAX), low = lo.reduceLanes(VectorOperators.MIN);
        for (int j = whole; j < v; j++) {
            m = Math.max(m, z[at + j]);
            low = Math.min(low, z[at + j]);
        }
        if (m != m || low != low) return NAN_ROW;
        min[0] = low;
        if (m == Float.NEGATIVE_INFINITY) return -1;
        for (int i = 0; i < whole; i += L) {
            VectorMask<Float> hit = FloatVector.fromArray(S, z, at + i).eq(m);
            if (hit.anyTrue()) return i + hit.firstTrue();
        }
        for (int j = whole; ; j++) {
            if (z[at + j] == m) return j;
        }
    }
}
