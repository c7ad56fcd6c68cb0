package dev.minitape.core.kernels;

/**
 * Matrix products on row-major float arrays, accumulating into the output (c += ...). The three layouts
 * cover a forward pass and both gradients without materializing a transpose:
 * nn: c (m×n) += a (m×k) · b (k×n); nt: c += a (m×k) · bᵀ with b (n×k); tn: c += aᵀ · b with a (k×m).
 * The batched forms take one offset per matrix; batch outputs must not overlap.
 */
public final class Matmul {
    private Matmul() {}

    public static void nn(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n) {
        nn(c, new int[] {cOff}, a, new int[] {aOff}, b, new int[] {bOff}, m, k, n);
    }

    public static void nt(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n) {
        nt(c, new int[] {cOff}, a, new int[] {aOff}, b, new int[] {bOff}, m, k, n);
    }

    public static void tn(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n) {
        tn(c, new int[] {cOff}, a, new int[] {aOff}, b, new int[] {bOff}, m, k, n);
    }

    public static void nn(float[] c, int[] cOff, float[] a, int[] aOff, float[] b, int[] bOff, int m, int k, int n) {
        Parallel.forRange(cOff.length * m, rowsPerTask(k, n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int bi = r / m, i = r % m;
                int ci = cOff[bi] + i * n, ai = aOff[bi] + i * k;
                for (int p = 0; p < k; p++) {
                    float av = a[ai + p];
                    int bp = bOff[bi] + p * n;
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
                }
            }
        });
    }

    public static void nt(float[] c, int[] cOff, float[] a, int[] aOff, float[] b, int[] bOff, int m, int k, int n) {
        Parallel.forRange(cOff.length * m, rowsPerTask(k, n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int bi = r / m, i = r % m;
                int ci = cOff[bi] + i * n, ai = aOff[bi] + i * k;
                for (int j = 0; j < n; j++) {
                    int bj = bOff[bi] + j * k;
                    float s = 0f;
                    for (int p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
                    c[ci + j] += s;
                }
            }
        });
    }

    public static void tn(float[] c, int[] cOff, float[] a, int[] aOff, float[] b, int[] bOff, int m, int k, int n) {
        Parallel.forRange(cOff.length * m, rowsPerTask(k, n), (from, to) -> {
            for (int r = from; r < to; r++) {
                int bi = r / m, i = r % m;
                int ci = cOff[bi] + i * n;
                for (int p = 0; p < k; p++) {
                    float av = a[aOff[bi] + p * m + i];
                    int bp = bOff[bi] + p * n;
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
                }
            }
        });
    }

    /** Enough rows per thread that a task does at least ~64k multiply-adds. */
    private static int rowsPerTask(int k, int n) {
        return Math.max(1, (1 << 16) / Math.max(1, k * n));
    }
}
