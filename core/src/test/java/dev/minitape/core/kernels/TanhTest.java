package dev.minitape.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The exp-based tanh against {@link Math#tanh}: absolute error within a few float ulps of 1, exact edges. */
class TanhTest {
    @Test
    void staysWithinAFewUlpsOfOneOfMathTanhAcrossTheRange() {
        // every 1013th float bit pattern in [−60, 60]: tiny, ordinary and saturated arguments of both signs
        int n = 0;
        float[] u = new float[2 * (0x42700000 / 1013 + 1)];
        for (int bits = 0; bits < 0x42700000; bits += 1013) {
            u[n++] = Float.intBitsToFloat(bits);
            u[n++] = -Float.intBitsToFloat(bits);
        }
        float[] t = new float[n];
        Tanh.apply(t, u, n);
        double worst = 0, worstRelativeAboveATenth = 0;
        for (int i = 0; i < n; i++) {
            double exact = Math.tanh(u[i]);
            worst = Math.max(worst, Math.abs(t[i] - exact));
            if (Math.abs(u[i]) >= 0.1f) worstRelativeAboveATenth = Math.max(worstRelativeAboveATenth, Math.abs(t[i] - exact) / Math.abs(exact));
        }
        assertTrue(worst <= 3 * Math.ulp(1f), "max |tanh error| " + worst);
        assertTrue(worstRelativeAboveATenth <= 1e-6, "max relative error for |u| ≥ 0.1: " + worstRelativeAboveATenth);
    }

    @Test
    void isExactAtTheEdgesAndOddEverywhere() {
        float[] u = {0f, -0f, 60f, -60f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 0.3f, -0.3f, 1e-30f};
        float[] t = new float[u.length];
        Tanh.apply(t, u, u.length);
        assertEquals(0f, t[0]);
        assertEquals(1f, t[2]);
        assertEquals(-1f, t[3]);
        assertEquals(1f, t[4]);
        assertEquals(-1f, t[5]);
        assertTrue(Float.isNaN(t[6]));
        assertEquals(-t[7], t[8]);
        assertEquals(0f, t[9], 1e-37f);
    }

    @Test
    void everyLengthAroundItsBlockOf512IsComputedWhole() {
        // lengths one short of, at and one past a block boundary: the last (partial or full) block is computed, none past it
        for (int n : new int[] {1, 511, 512, 513, 1023, 1024, 1025}) {
            float[] u = new float[n], t = new float[n + 1];
            for (int i = 0; i < n; i++) u[i] = (i % 7 - 3) * 0.37f;
            t[n] = 42f;                                                 // past the end: must stay as it is
            Tanh.apply(t, u, n);
            for (int i = 0; i < n; i++) assertEquals(Math.tanh(u[i]), t[i], 3 * Math.ulp(1f), "n " + n + " [" + i + "]");
            assertEquals(42f, t[n], "n " + n + ": nothing written past the end");
        }
    }
}
