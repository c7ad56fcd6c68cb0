package dev.minitape.core.kernels.reference;

/**
 * Matrix products as the triple loop, with {@link dev.minitape.core.kernels.Matmul}'s contracts: each
 * batch entry t adds C_t += A_t·B_t, where the layout is only a pair of strides per operand,
 * <pre>
 *   C(i, j) = c[cOff[t] + i·n + j]    A(i, p) = a[aOff[t] + i·ars + p·aps]    B(p, j) = b[bOff[t] + p·brs + j·bcs]
 *   nn: ars = k, aps = 1, brs = n, bcs = 1      nt (b is n×k): brs = 1, bcs = k      tn (a is k×m): ars = 1, aps = m
 * </pre>
 * and c_ij += Σ_p A(i, p)·B(p, j), the sum taken in double. With {@code overwrite}, c_ij = Σ_p ... instead.
 */
public final class ReferenceMatmul {
    private ReferenceMatmul() {}

    public static void product(float[] c, int[] cOff, float[] a, int[] aOff, int ars, int aps,
                               float[] b, int[] bOff, int brs, int bcs, int m, int k, int n, boolean overwrite) {
        for (int t = 0; t < cOff.length; t++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (double) a[aOff[t] + i * ars + p * aps] * b[bOff[t] + p * brs + j * bcs];
                    }
                    int at = cOff[t] + i * n + j;
                    c[at] = overwrite ? (float) sum : (float) (c[at] + sum);
                }
            }
        }
    }
}
