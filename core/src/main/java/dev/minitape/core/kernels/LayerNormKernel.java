package dev.minitape.core.kernels;

import dev.minitape.core.kernels.reference.ReferenceLayerNorm;

/**
 * Layer normalization over the last dim of n rows of width c:
 * <pre>
 *   μ = mean(x),  σ⁻¹ = 1/√(var(x) + ε),  x̂ = (x − μ)·σ⁻¹,  y = x̂·γ + β
 * </pre>
 * and its gradient, with ĝ = dy·γ:
 * <pre>
 *   dx = σ⁻¹·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))      dγ += Σ_rows dy·x̂      dβ += Σ_rows dy
 * </pre>
 * The means accumulate in double, in four interleaved chains (one chain is bound by the add's latency);
 * forward keeps μ and σ⁻¹ per row for the backward pass. Rows split over threads for y and dx, columns for
 * dγ and dβ (each column sums its rows in order), so results are the same for any thread count.
 */
public final class LayerNormKernel {
    private LayerNormKernel() {}

    public static void forward(float[] y, float[] mean, float[] rstd, float[] x, float[] gamma, float[] beta,
                               int n, int c, float eps) {
        if (KernelTier.reference()) {
            ReferenceLayerNorm.forward(y, mean, rstd, x, gamma, beta, n, c, eps);
            return;
        }
        Parallel.forRange(n, Math.max(1, 4096 / Math.max(1, c)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int at = r * c;
                double mu = Sums.sum(x, at, c) / c, sq = Sums.squaredDeviations(x, at, c, mu);
                float m = (float) mu, inv = (float) (1.0 / Math.sqrt(sq / c + eps));
                mean[r] = m;
                rstd[r] = inv;
                for (int j = 0; j < c; j++) {
                    float xhat = (x[at + j] - m) * inv;
                    y[at + j] = gamma == null ? xhat : xhat * gamma[j] + (beta == null ? 0f : beta[j]);
                }
            }
        });
    }

    /** dx (may be null) over rows in parallel; dγ and dβ (may be null) summed over rows in order. */
    public static void backward(float[] dx, float[] dgamma, float[] dbeta, float[] dy, float[] x, float[] mean,
                                float[] rstd, float[] gamma, int n, int c) {
        if (KernelTier.reference()) {
            ReferenceLayerNorm.backward(dx, dgamma, dbeta, dy, x, mean, rstd, gamma, n, c);
            return;
        }
        if (dx != null) {
            Parallel.forRange(n, Math.max(1, 4096 / Math.max(1, c)), (from, to) -> {
                for (int r = from; r < to; r++) {
                    int at = r * c;
                    float m = mean[r], inv = rstd[r];
                    // Σ g and Σ g·x̂, each in two chains (even and odd j)
                    double sg0 = 0, sg1 = 0, sgx0 = 0, sgx1 = 0;
                    int j = 0;
                    for (; j + 2 <= c; j += 2) {
                        float g0 = gamma == null ? dy[at + j] : dy[at + j] * gamma[j];
                        float g1 = gamma == null ? dy[at + j + 1] : dy[at + j + 1] * gamma[j + 1];
                        sg0 += g0;
                        sg1 += g1;
                        sgx0 += g0 * ((x[at + j] - m) * inv);
                        sgx1 += g1 * ((x[at + j + 1] - m) * inv);
                    }
                    if (j < c) {
                        float g = gamma == null ? dy[at + j] : dy[at + j] * gamma[j];
                        sg0 += g;
                        sgx0 += g * ((x[at + j] - m) * inv);
                    }
                    float meanG = (float) ((sg0 + sg1) / c), meanGx = (float) ((sgx0 + sgx1) / c);
                    for (j = 0; j < c; j++) {
                        float g = gamma == null ? dy[at + j] : dy[at + j] * gamma[j];
                        float xhat = (x[at + j] - m) * inv;
                        dx[at + j] += inv * (g - meanG - xhat * meanGx);
                    }
                }
            });
        }
        if (dgamma == null && dbeta == null) return;
        Parallel.forRange(c, Math.max(1, c / Math.max(1, Parallel.threads())), (j0, j1) -> {
            for (int r = 0; r < n; r++) {
                int at = r * c;
                float m = mean[r], inv = rstd[r];
                if (dgamma != null) for (int j = j0; j < j1; j++) dgamma[j] += dy[at + j] * ((x[at + j] - m) * inv);
                if (dbeta != null) for (int j = j0; j < j1; j++) dbeta[j] += dy[at + j];
            }
        });
    }
}
