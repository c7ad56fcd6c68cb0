package dev.minitape.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Sums' fixed order, (s0 + s1) + (s2 + s3) with chain k holding the terms j ≡ k mod 4 of each whole group of four:
 * the rows below round differently in any other order (left to right, say), so each result names the order.
 */
class SumsTest {

    @Test
    void sumAddsFourChainsThenPairs() {
        // Chains: 1e20, 1, −1e20, 1: (1e20 + 1) + (−1e20 + 1) = 1e20 − 1e20 = 0; left to right it is 1.
        float[] x = {7, 1e20f, 1, -1e20f, 1, 7};
        assertEquals(0.0, Sums.sum(x, 1, 4));
        // Two groups of four: the second group's terms join the same chains.
        float[] y = {0, 0, 0, 0, 1e20f, 1, -1e20f, 1};
        assertEquals(0.0, Sums.sum(y, 0, 8));
        // The last n mod 4 terms go to chain 0: ((1e20 + 1) + 1) + 1 = 1e20, and the sum is 0 again.
        assertEquals(0.0, Sums.sum(new float[] {1e20f, 1, -1e20f, 1, 1}, 0, 5));
    }

    @Test
    void dotAddsFourChainsThenPairs() {
        float[] x = {1e20f, 1, -1e20f, 1}, y = {5, 1, 1, 1, 1, 5};
        assertEquals(0.0, Sums.dot(x, 0, y, 1, 4));
        float[] x8 = {3, 3, 3, 3, 1e10f, 1, -1e10f, 1}, y8 = {1, 1, -1, -1, 1e10f, 1, 1e10f, 1};
        assertEquals(0.0, Sums.dot(x8, 0, y8, 0, 8));
    }

    @Test
    void squaredDeviationsAddFourChainsThenPairs() {
        // Squares 2⁵⁴, 4, 1, 1: (2⁵⁴ + 4) + (1 + 1) is a tie that rounds to even, 2⁵⁴ + 8; left to right each 1
        // is lost below half an ulp (4) and the sum stays 2⁵⁴ + 4.
        float[] x = {9, 0x1p27f, 2, 1, -1, 9};
        assertEquals(0x1p54 + 8, Sums.squaredDeviations(x, 1, 4, 0.0));
    }
}
