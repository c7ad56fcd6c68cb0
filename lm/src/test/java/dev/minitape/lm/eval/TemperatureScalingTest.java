package dev.minitape.lm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import org.junit.jupiter.api.Test;

class TemperatureScalingTest {
    private static final int V = 10, N = 50_000;
    private static final double T0 = 2;

    /**
     * A model twice too sure of itself: its logits are T0 · u, where the targets are drawn from softmax(u)
     * (u ~ N(0, 2²) per class). Dividing by T = T0 gives back the true distribution, so the NLL is least
     * near T0. How near: with β = 1/T the NLL's curvature per position is Var_p(z) = T0²·Var_p(u) ≈ 4 here,
     * so over N = 50,000 positions the standard error of β is about 1/√(4N) ≈ 0.0022, of T about
     * T0²·0.0022 ≈ 0.009; the tolerance 0.05 is over five standard errors.
     */
    @Test
    void recoversTheTemperatureOfOverconfidentLogits() {
        Rng rng = new Rng(42);
        float[] logits = new float[N * V];
        int[] targets = new int[N];
        double[] u = new double[V];
        for (int i = 0; i < N; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < V; c++) {
                u[c] = 2 * rng.nextGaussian();
                logits[i * V + c] = (float) (T0 * u[c]);
                max = Math.max(max, u[c]);
            }
            for (int c = 0; c < V; c++) sum += Math.exp(u[c] - max);
            targets[i] = sampleFromSoftmax(u, max, sum, rng.nextDouble());
        }
        double t = TemperatureScaling.fit(logits, targets, V);
        assertEquals(T0, t, 0.05);
        double fitted = TemperatureScaling.nll(logits, targets, V, t);
        assertTrue(fitted < TemperatureScaling.nll(logits, targets, V, 1), "scaling lowers the NLL of an overconfident model");
        assertTrue(fitted <= TemperatureScaling.nll(logits, targets, V, t * 1.01)
                && fitted <= TemperatureScaling.nll(logits, targets, V, t / 1.01), "T is a minimum");
    }

    /** The class c at which the cumulative softmax(u) first exceeds r. */
    private static int sampleFromSoftmax(double[] u, double max, double sum, double r) {
        double cumulative = 0;
        for (int c = 0; c < u.length - 1; c++) {
            cumulative += Math.exp(u[c] - max) / sum;
            if (r < cumulative) return c;
        }
        return u.length - 1;
    }

    @Test
    void nllAtATemperatureMatchesTheEvaluations() {
        float[] logits = {1, 2, 3, -1, 0.5f, 4};
        int[] targets = {2, 0};
        Evaluation e = new Evaluation(1.7);
        e.addRows(logits, targets, 3);
        assertEquals(e.nll(), TemperatureScaling.nll(logits, targets, 3, 1.7), 1e-12);
    }
}
