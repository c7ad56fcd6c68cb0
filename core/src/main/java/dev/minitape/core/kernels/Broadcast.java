package dev.minitape.core.kernels;

/**
 * Walks a broadcast binary op as runs along the last dim. For each run, element i of the output at
 * {@code out + i} pairs with {@code a[aAt + i*aStep]} and {@code b[bAt + i*bStep]}, where a step is 0 when
 * that operand is broadcast along the last dim. Same-shape operands come as a single run.
 */
public final class Broadcast {

    /** One run of {@code len} elements. */
    @FunctionalInterface
    public interface Run {
        void apply(int out, int aAt, int aStep, int bAt, int bStep, int len);
    }

    private Broadcast() {}

    /**
     * @param shape    the broadcast output shape
     * @param aStrides strides of a in the output's index space (0 along broadcast dims)
     * @param bStrides the same for b
     */
    public static void runs(int[] shape, int[] aStrides, int[] bStrides, Run run) {
        int rank = shape.length;
        int total = 1;
        for (int d : shape) total *= d;
        if (total == 0) return;
        if (rank == 0 || (isContiguous(shape, aStrides) && isContiguous(shape, bStrides))) {
            run.apply(0, 0, 1, 0, 1, total);
            return;
        }
        int len = shape[rank - 1];
        int aStep = aStrides[rank - 1], bStep = bStrides[rank - 1];
        int[] idx = new int[rank - 1];
        int aAt = 0, bAt = 0;
        for (int out = 0; out < total; out += len) {
            run.apply(out, aAt, aStep, bAt, bStep, len);
            // Odometer over the leading dims, moving the a and b cursors by their strides.
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                aAt += aStrides[d];
                bAt += bStrides[d];
                if (idx[d] < shape[d]) break;
                aAt -= aStrides[d] * shape[d];
                bAt -= bStrides[d] * shape[d];
                idx[d] = 0;
            }
        }
    }

    private static boolean isContiguous(int[] shape, int[] strides) {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }
}
