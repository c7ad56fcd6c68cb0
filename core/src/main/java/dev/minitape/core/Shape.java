package dev.minitape.core;

import java.util.Arrays;

/** Static helpers for shapes: element counts, row-major strides, dim normalization and broadcasting. */
public final class Shape {
    private Shape() {}

    /** Number of elements of a tensor of this shape (1 for a scalar, shape []). */
    public static int numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("shape " + str(shape) + " has a negative size");
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) n;
    }

    /** Row-major strides: the last dim has stride 1. */
    public static int[] strides(int... shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Maps a possibly negative dim (-1 = last) to 0..rank-1, or explains why it cannot. */
    public static int dim(String op, int dim, int rank) {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank) {
            throw new IllegalArgumentException(op + ": dim " + dim + " is out of range for a tensor of rank " + rank
                    + " (expected " + (-rank) + ".." + (rank - 1) + ")");
        }
        return d;
    }

    /** Product of the sizes before dim. */
    public static int outer(int[] shape, int dim) {
        int n = 1;
        for (int i = 0; i < dim; i++) n *= shape[i];
        return n;
    }

    /** Product of the sizes after dim. */
    public static int inner(int[] shape, int dim) {
        int n = 1;
        for (int i = dim + 1; i < shape.length; i++) n *= shape[i];
        return n;
    }

    /** The shape with one dim removed (or set to 1 when keepDim). */
    public static int[] reduce(int[] shape, int dim, boolean keepDim) {
        if (keepDim) {
            int[] s = shape.clone();
            s[dim] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != dim) s[j++] = shape[i];
        return s;
    }

    /**
     * NumPy broadcasting: align the shapes at their last dims; each pair of sizes must be equal or one of
     * them 1, and the result takes the larger.
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " do not broadcast (dim " + i + ": " + da + " vs " + db + "; sizes must match or be 1)");
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /**
     * Strides of a tensor of shape {@code from} read as if it had the broadcast shape {@code to}: 0 along
     * the dims that are broadcast (missing or of size 1).
     */
    public static int[] broadcastStrides(int[] from, int[] to) {
        int[] own = strides(from);
        int[] s = new int[to.length];
        int offset = to.length - from.length;
        for (int i = 0; i < to.length; i++) {
            int j = i - offset;
            s[i] = j < 0 || from[j] == 1 ? 0 : own[j];
        }
        return s;
    }

    public static String str(int... shape) {
        return Arrays.toString(shape);
    }
}
