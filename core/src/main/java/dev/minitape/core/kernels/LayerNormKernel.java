package dev.minitape.core.kernels;

/**
 * Layer normalization over the last dim of n rows of width c:
 * <pre>
 *   μ = mean(x),  σ⁻¹ = 1/√(var(x) + ε),  x̂ = (x − μ)·σ⁻¹,  y = x̂·γ + β
 * </pre>
 * and its gradient, with ĝ = dy·γ:
 * <pre>
 *   dx = σ⁻¹·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))      dγ += Σ_rows dy·x̂      dβ += Σ_rows dy
 * </pre>
 * The means accumulate in double; forward keeps μ and σ⁻¹ per row for the backward pass.
 */
public final class LayerNormKernel {
    private LayerNormKernel() {}

    public static void forward(float[] y, float[] mean, float[] rstd, float[] x, float[] gamma, float[] beta,
                               int n, int c, float eps) {
        Parallel.forRange(n, Math.max(1, 4096 / Math.max(1, c)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int at = r * c;
                double s = 0;
                for (int j = 0; j < c; j++) s += x[at + j];
                double mu = s / c, sq = 0;
                for (int j = 0; j < c; j++) {
                    double d = x[at + j] - mu;
                    sq += d * d;
                }
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
        if (dx != null) {
            Parallel.forRange(n, Math.max(1, 4096 / Math.max(1, c)), (from, to) -> {
                for (int r = from; r < to; r++) {
                    int at = r * c;
                    float m = mean[r], inv = rstd[r];
                    double sg = 0, sgx = 0;
                    for (int j = 0; j < c; j++) {
                        float g = gamma == null ? dy[at + j] : dy[at + j] * gamma[j];
                        sg += g;
                        sgx += g * ((x[at + j] - m) * inv);
                    }
                    float meanG = (float) (sg / c), meanGx = (float) (sgx / c);
                    for (int j = 0; j < c; j++) {
                        float g = gamma == null ? dy[at + j] : dy[at + j] * gamma[j];
                        float xhat = (x[at + j] - m) * inv;
                        dx[at + j] += inv * (g - meanG - xhat * meanGx);
                    }
                }
            });
        }
        if (dgamma == null && dbeta == null) return;
        for (int r = 0; r < n; r++) {
            int at = r * c;
            float m = mean[r], inv = rstd[r];
            for (int j = 0; j < c; j++) {
                if (dgamma != null) dgamma[j] += dy[at + j] * ((x[at + j] - m) * inv);
                if (dbeta != null) dbeta[j] += dy[at + j];
            }
        }
    }
}
