package dev.minitape.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The vectorized argmax against the scalar rule it stands for: the first index of the largest value, the smallest
 * value beside it, −1 for a row of −∞ and NAN_ROW for a row holding a NaN. Rows are as long as a few vectors and a
 * tail, they sit between other numbers, and the last one ends where its array does.
 */
class VectorArgmaxTest {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    @Test
    void findsTheFirstLargestAndTheSmallestOfEveryRow() {
        Random rnd = new Random(7);
        for (int v = 1; v <= 3 * L + 3; v++) {
            for (int rep = 0; rep < 20; rep++) {
                // Small integers, so ties are common; the row starts at an odd place and, every other time, its
                // array ends with it (a read past the row would throw).
                int at = 1 + rnd.nextInt(5), after = rep % 2 == 0 ? 0 : 1 + rnd.nextInt(L);
                float[] z = new float[at + v + after];
                for (int i = 0; i < z.length; i++) z[i] = rnd.nextInt(7) - 3;
                z[at + rnd.nextInt(v)] = 9;                 // the largest in the row; pads never exceed it
                if (rep % 3 == 0) z[at + rnd.nextInt(v)] = 9;   // sometimes a tie
                int expected = -1;
                float max = Float.NEGATIVE_INFINITY, low = Float.POSITIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    if (z[at + j] > max) {
                        max = z[at + j];
                        expected = j;
                    }
                    low = Math.min(low, z[at + j]);
                }
                float[] min = {Float.NaN};
                String what = "v " + v + ", at " + at + ": " + Arrays.toString(z);
                assertEquals(expected, VectorArgmax.of(z, at, v, min), what);
                assertEquals(low, min[0], what);
            }
        }
    }

    @Test
    void theLargestInTheTailOfARowThatEndsTheArray() {
        for (int v = L + 1; v < 2 * L; v++) {
            float[] z = new float[v];
            z[v - 1] = 1;
            float[] min = new float[1];
            assertEquals(v - 1, VectorArgmax.of(z, 0, v, min), "v " + v);
            assertEquals(0f, min[0]);
        }
    }

    @Test
    void aRowOfMinusInfinityHasNoLargestAndARowWithANaNIsLeftToTheScalarRule() {
        for (int v : new int[] {1, L, 2 * L + 1}) {
            float[] z = new float[v + 2];
            Arrays.fill(z, Float.NEGATIVE_INFINITY);
            z[0] = 5;
            z[v + 1] = 5;
            float[] min = new float[1];
            assertEquals(-1, VectorArgmax.of(z, 1, v, min), "v " + v);
            assertEquals(Float.NEGATIVE_INFINITY, min[0]);
            for (int nan = 0; nan < v; nan++) {
                float[] row = new float[v];
                row[nan] = Float.NaN;
                assertEquals(VectorArgmax.NAN_ROW, VectorArgmax.of(row, 0, v, min), "NaN at " + nan + " of " + v);
            }
        }
    }
}
