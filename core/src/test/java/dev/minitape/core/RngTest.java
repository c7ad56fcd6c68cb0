package dev.minitape.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RngTest {

    @Test
    void matchesTheReferenceSplitMix64Stream() {
        // The first outputs of Vigna's reference splitmix64.c seeded with 0: any JVM on any machine must agree.
        Rng rng = new Rng(0);
        assertEquals(0xE220A8397B1DCDAFL, rng.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, rng.nextLong());
        assertEquals(0x06C45D188009454FL, rng.nextLong());
    }

    @Test
    void theSameSeedGivesTheSameTensors() {
        assertArrayEquals(Tensor.randn(new Rng(3), 100).toArray(), Tensor.randn(new Rng(3), 100).toArray());
        assertArrayEquals(Tensor.rand(new Rng(3), 100).toArray(), Tensor.rand(new Rng(3), 100).toArray());
    }

    @Test
    void stateRestoresTheStream() {
        Rng a = new Rng(99);
        a.nextGaussian();
        Rng b = new Rng(a.state());
        for (int i = 0; i < 10; i++) assertEquals(a.nextLong(), b.nextLong());
    }

    @Test
    void gaussianHasMeanZeroAndUnitVariance() {
        Rng rng = new Rng(1);
        int n = 200_000;
        double sum = 0, sq = 0;
        for (int i = 0; i < n; i++) {
            double g = rng.nextGaussian();
            sum += g;
            sq += g * g;
        }
        double mean = sum / n, var = sq / n - mean * mean;
        assertEquals(0, mean, 0.01);      // standard error 1/√n ≈ 0.0022
        assertEquals(1, var, 0.01);
    }

    @Test
    void nextIntIsUniformAndInRange() {
        Rng rng = new Rng(5);
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) counts[rng.nextInt(7)]++;
        for (int c : counts) assertTrue(Math.abs(c - 10_000) < 400, "count " + c + " far from 10000");
        assertThrows(IllegalArgumentException.class, () -> rng.nextInt(0));
    }

    @Test
    void floatsAreInTheUnitInterval() {
        Rng rng = new Rng(8);
        for (int i = 0; i < 10_000; i++) {
            float f = rng.nextFloat();
            assertTrue(f >= 0f && f < 1f);
        }
    }
}
