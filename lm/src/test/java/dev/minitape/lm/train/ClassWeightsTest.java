package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Balanced and effective-number weights on a hand-counted token list, and the unseen-class rule. */
class ClassWeightsTest {
    // V = 4: class 0 six times, class 1 three times, class 2 once, class 3 never; n = 10
    private static final int[] TOKENS = {0, 1, 0, 2, 0, 1, 0, 0, 1, 0};

    @Test
    void countsAreHowOftenEachIdOccurs() {
        assertArrayEquals(new long[] {6, 3, 1, 0}, ClassWeights.count(TOKENS, 4));
    }

    @Test
    void balancedIsNOverVTimesTheClassCount() {
        // w_c = n / (V·n_c): 10/24, 10/12, 10/4; class 3 is unseen and gets the largest seen weight, 10/4
        ClassWeights w = ClassWeights.balanced(ClassWeights.count(TOKENS, 4));
        assertEquals("balanced", w.method());
        assertArrayEquals(new float[] {10f / 24, 10f / 12, 2.5f, 2.5f}, w.weights(), 1e-7f);
    }

    @Test
    void effectiveNumberIsNormalizedToSumToV() {
        // β = 0.5: (1 − β)/(1 − β^n_c) = 0.5/(63/64) = 32/63, 0.5/(7/8) = 36/63, 0.5/0.5 = 63/63, and 63/63 for the
        // unseen class (the largest seen). Sum 194/63; scaled by 4/(194/63): 64/97, 72/97, 126/97, 126/97 (sum 4).
        ClassWeights w = ClassWeights.effective(ClassWeights.count(TOKENS, 4), 0.5);
        assertEquals("effective:0.5", w.method());
        assertArrayEquals(new float[] {64f / 97, 72f / 97, 126f / 97, 126f / 97}, w.weights(), 1e-6f);
    }

    @Test
    void effectiveNumberWithBetaZeroWeighsEveryClassAlike() {
        assertArrayEquals(new float[] {1, 1, 1, 1}, ClassWeights.effective(ClassWeights.count(TOKENS, 4), 0).weights());
    }

    @Test
    void anUnseenClassGetsTheLargestSeenWeightSoTheRangeIsTheSeenClasses() {
        // seen: class 1 twice and class 2 eight times (n = 10, V = 3): 10/6 and 10/24; class 0 unseen
        float[] w = ClassWeights.balanced(new long[] {0, 2, 8}).weights();
        assertEquals(w[1], w[0]);
        assertEquals(10f / 6, w[0], 1e-6f);
    }

    @Test
    void weightsMustBeFiniteNonNegativeAndNotAllZero() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClassWeights.balanced(new long[] {0, 0}));
        assertEquals("ClassWeights: no training tokens to count", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClassWeights.effective(new long[] {1, 2}, 1.0));
        assertEquals("ClassWeights.beta must be in [0, 1), got 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClassWeights.given("given", new float[] {1, Float.NaN}));
        assertEquals("ClassWeights: weight NaN of class 1 must be a finite number >= 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ClassWeights.given("given", new float[] {0, 0}));
        assertEquals("ClassWeights: every weight is 0 (at least one must be positive)", e.getMessage());
    }
}
