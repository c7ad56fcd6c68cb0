package dev.minitape.core.kernels;

import dev.minitape.core.kernels.reference.ReferenceSoftmax;

/**
 * Softmax and log-softmax along one dim of a tensor viewed as (outer, D, inner): row (o, i) holds the D
 * values at {@code o·D·inner + i + d·inner}. The row max is subtracted before exponentiating, so no
 * logit overflows; the row sums accumulate in double.
 */
public final class SoftmaxKernel {
    private SoftmaxKernel() {}

    /** softmax: y_d = e^(x_d − m) / Σ e^(x_j − m); log-softmax: y_d = x_d − m − ln Σ e^(x_j − m). */
    public static void forward(float[] y, float[] x, int outer, int len, int inner, boolean log) {
        if (KernelTier.reference()) {
            ReferenceSoftmax.forward(y, x, outer, len, inner, log);
            return;
        }
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                float max = Float.NEGATIVE_INFINITY;
                for (int d = 0; d < len; d++) max = Math.max(max, x[base + d * inner]);
                if (max == Float.NEGATIVE_INFINITY) max = 0f;   // an all −∞ row: keep the arithmetic finite
                double sum = 0;
                for (int d = 0; d < len; d++) sum += Math.exp(x[base + d * inner] - max);
                if (log) {
                    float shift = (float) (max + Math.log(sum));
                    for (int d = 0; d < len; d++) y[base + d * inner] = x[base + d * inner] - shift;
                } else {
                    double inv = 1.0 / sum;
                    for (int d = 0; d < len; d++) y[base + d * inner] = (float) (Math.exp(x[base + d * inner] - max) * inv);
                }
            }
        }
    }

    /**
     * Given y = the forward output: softmax dx_d += y_d·(dy_d − Σ_j dy_j·y_j);
     * log-softmax dx_d += dy_d − e^(y_d)·Σ_j dy_j.
     */
    public static void backward(float[] dx, float[] dy, float[] y, int outer, int len, int inner, boolean log) {
        if (KernelTier.reference()) {
            ReferenceSoftmax.backward(dx, dy, y, outer, len, inner, log);
            return;
        }
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                double s = 0;
                for (int d = 0; d < len; d++) {
                    int at = base + d * inner;
                    s += log ? dy[at] : (double) dy[at] * y[at];
                }
                float sf = (float) s;
                for (int d = 0; d < len; d++) {
                    int at = base + d * inner;
                    dx[at] += log ? dy[at] - (float) Math.exp(y[at]) * sf : y[at] * (dy[at] - sf);
                }
            }
        }
    }
}
