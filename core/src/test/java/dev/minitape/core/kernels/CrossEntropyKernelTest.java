package dev.minitape.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused kernel's two implementations of its sweeps (plain Java and the Vector API) agree bit for bit. */
class CrossEntropyKernelTest {

    @Test
    void theVectorApiSweepsGiveThePlainResults() {
        assertTrue(VectorApi.enabled(), "core's tests run with --add-modules jdk.incubator.vector");
        int n = 9;
        for (int v : new int[] {1000, 4099}) {                       // a row length that is not a multiple of a vector
            Random rnd = new Random(v);
            float[] z = new float[n * v];
            for (int i = 0; i < z.length; i++) z[i] = (float) (rnd.nextGaussian() * 8);
            z[1 * v + 17] = z[1 * v + 20] = z[1 * v + 700] = 40f;     // ties, one within a vector: the first index wins
            z[2 * v + v - 1] = 50f;                                   // the max in the tail after the last vector
            z[3 * v + 5] = Float.NaN;                                 // a NaN row takes the scalar rule
            Arrays.fill(z, 4 * v, 5 * v, Float.NEGATIVE_INFINITY);    // nothing above −∞
            z[5 * v + 3] = Float.NEGATIVE_INFINITY;                   // one −∞ among finite values
            z[6 * v + v - 2] = -90f;                                  // the min in the tail
            int[] y = new int[n];
            for (int r = 0; r < n; r++) y[r] = r == 7 ? -100 : rnd.nextInt(v);
            CrossEntropyKernel.Targets t = new CrossEntropyKernel.Targets(y, null, null, 0.1f, -100, 1e-4f);
            float[] scale = new float[n];
            Arrays.fill(scale, 1f / (n - 1));
            scale[7] = 0f;
            float[][] plain = PlainKernels.compute(() -> forward(z, t, scale, n, v));
            float[][] vector = forward(z, t, scale, n, v);
            String[] names = {"loss", "lse", "argmax", "row max", "row min", "row coef", "gradient"};
            for (int k = 0; k < names.length; k++) assertArrayEquals(plain[k], vector[k], names[k] + ", v " + v);
        }
    }

    /** Every output of the forward sweep, the argmax as floats. */
    private static float[][] forward(float[] z, CrossEntropyKernel.Targets t, float[] scale, int n, int v) {
        float[] loss = new float[n], lse = new float[n], max = new float[n], min = new float[n], coef = new float[n];
        int[] argmax = new int[n];
        float[] g = new float[n * v];
        CrossEntropyKernel.forward(loss, lse, argmax, max, min, coef, z, t, scale, n, v, g);
        float[] best = new float[n];
        for (int r = 0; r < n; r++) best[r] = argmax[r];
        return new float[][] {loss, lse, best, max, min, coef, g};
    }
}
