package dev.minitape.nn;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;

/**
 * Parameter initializers, in place and seeded. Fan-in and fan-out follow PyTorch: for a weight of
 * shape (out, in, k...) fan_in = in·k..., fan_out = out·k...
 */
public final class Init {
    private Init() {}

    /** Samples from N(mean, std²). */
    public static void normal(Tensor t, double mean, double std, Rng rng) {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (mean + std * rng.nextGaussian());
    }

    /** Samples from U(a, b). */
    public static void uniform(Tensor t, double a, double b, Rng rng) {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) (a + (b - a) * rng.nextDouble());
    }

    /** Glorot: U(−r, r), r = gain·√(6 / (fan_in + fan_out)). */
    public static void xavierUniform(Tensor t, double gain, Rng rng) {
        double r = gain * Math.sqrt(6.0 / (fanIn(t) + fanOut(t)));
        uniform(t, -r, r, rng);
    }

    /** Glorot: N(0, σ²), σ = gain·√(2 / (fan_in + fan_out)). */
    public static void xavierNormal(Tensor t, double gain, Rng rng) {
        normal(t, 0, gain * Math.sqrt(2.0 / (fanIn(t) + fanOut(t))), rng);
    }

    /**
     * He, fan-in mode with the leaky-ReLU gain g = √(2 / (1 + a²)): U(−r, r), r = g·√(3 / fan_in).
     * PyTorch's default Linear weight is a = √5, which gives U(−1/√fan_in, 1/√fan_in).
     */
    public static void kaimingUniform(Tensor t, double a, Rng rng) {
        double r = Math.sqrt(2.0 / (1 + a * a)) * Math.sqrt(3.0 / fanIn(t));
        uniform(t, -r, r, rng);
    }

    /** He, fan-in mode: N(0, σ²), σ = √(2 / (1 + a²)) / √fan_in. */
    public static void kaimingNormal(Tensor t, double a, Rng rng) {
        normal(t, 0, Math.sqrt(2.0 / (1 + a * a)) / Math.sqrt(fanIn(t)), rng);
    }

    /**
     * A (semi-)orthogonal matrix times gain, as PyTorch's orthogonal_: the tensor is viewed as
     * (rows, numel/rows); a Gaussian matrix (transposed if wide) is QR-decomposed (EJML) and Q's columns
     * are given the signs of R's diagonal, so the result is uniformly distributed.
     */
    public static void orthogonal(Tensor t, double gain, Rng rng) {
        if (t.dim() < 2) throw new IllegalArgumentException("Init.orthogonal: needs at least 2 dims, got " + t.dim());
        int rows = t.size(0), cols = t.numel() / rows;
        boolean wide = rows < cols;
        int m = wide ? cols : rows, n = wide ? rows : cols;          // m ≥ n
        DMatrixRMaj a = new DMatrixRMaj(m, n);
        for (int i = 0; i < m * n; i++) a.data[i] = rng.nextGaussian();
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(m, n);
        if (!qr.decompose(a)) throw new IllegalStateException("Init.orthogonal: QR decomposition failed");
        DMatrixRMaj q = qr.getQ(null, true), r = qr.getR(null, true);
        float[] d = t.data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double v = q.get(i, j) * Math.signum(r.get(j, j)) * gain;
                if (wide) d[j * cols + i] = (float) v;
                else d[i * cols + j] = (float) v;
            }
        }
    }

    static int fanIn(Tensor t) {
        if (t.dim() < 2) throw new IllegalArgumentException("Init: fan in/out needs at least 2 dims, got " + t.dim());
        return t.numel() / t.size(0);
    }

    static int fanOut(Tensor t) {
        if (t.dim() < 2) throw new IllegalArgumentException("Init: fan in/out needs at least 2 dims, got " + t.dim());
        return t.numel() / t.size(1);
    }
}
