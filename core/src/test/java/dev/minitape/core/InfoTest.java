package dev.minitape.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Info.Unit;
import org.junit.jupiter.api.Test;

class InfoTest {

    private static double[] randomDistribution(Rng rng, int n, boolean withZeros) {
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = withZeros && rng.nextInt(4) == 0 ? 0 : rng.nextDouble() + 1e-3;
            sum += p[i];
        }
        if (sum == 0) p[0] = sum = 1;
        for (int i = 0; i < n; i++) p[i] /= sum;
        return p;
    }

    @Test
    void aFairCoinCarriesOneBitAndACertainEventNone() {
        assertEquals(1.0, Info.entropy(new double[] {0.5, 0.5}, Unit.BITS), 1e-12);
        assertEquals(Math.log(2), Info.entropy(new double[] {0.5, 0.5}), 1e-12);
        assertEquals(0.0, Info.entropy(new double[] {1, 0}));     // +0.0 to the bit: a printed "-0.0000" reads as a bug
        assertEquals(0.0, Info.information(1.0), 0.0);
        assertEquals(1.0, Info.information(0.5, Unit.BITS), 1e-12);
    }

    @Test
    void theWorkedNumbersOfTheCatExample() {
        assertEquals(0.693, Info.information(0.5), 5e-4);      // p(cat) = 0.5
        assertEquals(0.223, Info.information(0.8), 5e-4);      // p(cat) = 0.8
    }

    @Test
    void crossEntropyIsEntropyPlusKlAndNeverBelowEntropy() {
        Rng rng = new Rng(12);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + rng.nextInt(8);
            double[] p = randomDistribution(rng, n, true), q = randomDistribution(rng, n, false);
            double h = Info.entropy(p), hpq = Info.crossEntropy(p, q), d = Info.kl(p, q);
            assertEquals(h + d, hpq, 1e-12);
            assertTrue(d > 0, "D(p||q) > 0 when q differs from p");
            assertTrue(hpq > h);
            assertEquals(0.0, Info.kl(p, p), 1e-15);
            assertEquals(h, Info.crossEntropy(p, p), 1e-15);
        }
    }

    @Test
    void crossEntropyIsNotSymmetric() {
        double[] p = {0.9, 0.1}, q = {0.5, 0.5};
        double pq = Info.crossEntropy(p, q), qp = Info.crossEntropy(q, p);
        assertEquals(Math.log(2), pq, 1e-12);                               // −0.9 ln .5 − 0.1 ln .5
        assertEquals(-0.5 * Math.log(0.9) - 0.5 * Math.log(0.1), qp, 1e-12); // ≈ 1.204
        assertNotEquals(pq, qp, 0.1);
    }

    @Test
    void zeroProbabilitiesAreHandled() {
        assertEquals(Double.POSITIVE_INFINITY, Info.crossEntropy(new double[] {0.5, 0.5}, new double[] {1, 0}));
        assertEquals(Double.POSITIVE_INFINITY, Info.kl(new double[] {0.5, 0.5}, new double[] {1, 0}));
        assertEquals(Math.log(2), Info.kl(new double[] {1, 0}, new double[] {0.5, 0.5}), 1e-12);
    }

    @Test
    void notADistributionIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> Info.entropy(new double[] {0.5, 0.6}));
        assertTrue(e.getMessage().contains("sums to 1.1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Info.entropy(new double[] {1.5, -0.5}));
        assertTrue(e.getMessage().contains("p[1] = -0.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Info.kl(new double[] {1}, new double[] {0.5, 0.5}));
        assertTrue(e.getMessage().contains("outcomes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Info.information(0));
        assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
    }
}
