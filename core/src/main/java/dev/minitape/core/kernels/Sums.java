package dev.minitape.core.kernels;

/**
 * Sums over a row in double, in four interleaved chains: one chain waits on the previous add's latency, four
 * overlap. The order is fixed ((s0 + s1) + (s2 + s3), chain k holding the terms j ≡ k mod 4 of the whole groups
 * of four, chain 0 the last n mod 4 as well), so a result depends only on the values.
 */
final class Sums {
    private Sums() {}

    /** Σ_j x[at + j] over j < n. */
    static double sum(float[] x, int at, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            s0 += x[at + j];
            s1 += x[at + j + 1];
            s2 += x[at + j + 2];
            s3 += x[at + j + 3];
        }
        for (; j < n; j++) s0 += x[at + j];
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ_j x[xAt + j]·y[yAt + j] over j < n. */
    static double dot(float[] x, int xAt, float[] y, int yAt, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            s0 += (double) x[xAt + j] * y[yAt + j];
            s1 += (double) x[xAt + j + 1] * y[yAt + j + 1];
            s2 += (double) x[xAt + j + 2] * y[yAt + j + 2];
            s3 += (double) x[xAt + j + 3] * y[yAt + j + 3];
        }
        for (; j < n; j++) s0 += (double) x[xAt + j] * y[yAt + j];
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ_j (x[at + j] − mu)² over j < n. */
    static double squaredDeviations(float[] x, int at, int n, double mu) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            double d0 = x[at + j] - mu, d1 = x[at + j + 1] - mu, d2 = x[at + j + 2] - mu, d3 = x[at + j + 3] - mu;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; j < n; j++) {
            double d = x[at + j] - mu;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
