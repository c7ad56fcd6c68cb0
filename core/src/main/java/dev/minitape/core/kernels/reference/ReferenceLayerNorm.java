package dev.minitape.core.kernels.reference;

/**
 * Layer normalization over the last dim of n rows of width c, with
 * {@link dev.minitape.core.kernels.LayerNormKernel}'s contracts (forward writes y, mean and rstd; backward adds
 * into dx, dγ, dβ, any of which may be null; γ and β may be null):
 * <pre>
 *   μ = (1/c)·Σ_j x_j    σ⁻¹ = 1/√((1/c)·Σ_j (x_j − μ)² + ε)    x̂_j = (x_j − μ)·σ⁻¹    y_j = γ_j·x̂_j + β_j
 *   with ĝ_j = dy_j·γ_j:  dx_j += σ⁻¹·(ĝ_j − mean(ĝ) − x̂_j·mean(ĝ·x̂))    dγ_j += Σ_rows dy_j·x̂_j    dβ_j += Σ_rows dy_j
 * </pre>
 */
public final class ReferenceLayerNorm {
    private ReferenceLayerNorm() {}

    public static void forward(float[] y, float[] mean, float[] rstd, float[] x, float[] gamma, float[] beta,
                               int n, int c, float eps) {
        for (int r = 0; r < n; r++) {
            int at = r * c;
            double mu = 0, var = 0;
            for (int j = 0; j < c; j++) mu += x[at + j];
            mu /= c;
            for (int j = 0; j < c; j++) var += (x[at + j] - mu) * (x[at + j] - mu);
            double inv = 1 / Math.sqrt(var / c + eps);
            mean[r] = (float) mu;
            rstd[r] = (float) inv;
            for (int j = 0; j < c; j++) {
                double xhat = (x[at + j] - mu) * inv;
                y[at + j] = (float) (xhat * (gamma == null ? 1 : gamma[j]) + (beta == null ? 0 : beta[j]));
            }
        }
    }

    public static void backward(float[] dx, float[] dgamma, float[] dbeta, float[] dy, float[] x, float[] mean,
                                float[] rstd, float[] gamma, int n, int c) {
        for (int r = 0; r < n; r++) {
            int at = r * c;
            double[] xhat = new double[c], ghat = new double[c];
            double meanG = 0, meanGx = 0;
            for (int j = 0; j < c; j++) {
                xhat[j] = ((double) x[at + j] - mean[r]) * rstd[r];
                ghat[j] = (double) dy[at + j] * (gamma == null ? 1 : gamma[j]);
                meanG += ghat[j] / c;
                meanGx += ghat[j] * xhat[j] / c;
            }
            for (int j = 0; j < c; j++) {
                if (dx != null) dx[at + j] += (float) (rstd[r] * (ghat[j] - meanG - xhat[j] * meanGx));
                if (dgamma != null) dgamma[j] += (float) (dy[at + j] * xhat[j]);
                if (dbeta != null) dbeta[j] += dy[at + j];
            }
        }
    }
}
