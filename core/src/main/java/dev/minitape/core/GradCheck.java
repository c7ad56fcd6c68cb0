package dev.minitape.core;

import java.util.function.Function;

/**
 * Checks the tape's gradients of any function against central finite differences. A scalar function
 * is checked as it is; one of any other shape is reduced to the scalar L = Σ rᵢ·yᵢ with fixed random
 * weights r, so every output element is checked. For each element x_j of each input that requires grad:
 * <pre>  numeric_j = (L(x_j + h) − L(x_j − h)) / (2h)      (L evaluated in float, differenced in double)</pre>
 * The report holds both gradients, the worst |analytic − numeric| and the worst relative error
 * |analytic − numeric| / max(|analytic|, |numeric|). The inputs' own gradients are left as they were.
 * <pre>{@code
 * GradCheck.Report r = GradCheck.check(in -> in[0].tanh().mul(in[1]), x, w);
 * assert r.passed(1e-3, 1e-2);
 * }</pre>
 */
public final class GradCheck {
    private GradCheck() {}

    /** Default step: large enough that float rounding of L stays well below the difference. */
    public static final double DEFAULT_STEP = 1e-2;

    /**
     * The outcome of a check. {@code analytic[i]} and {@code numeric[i]} are the gradients of input i
     * (null for inputs that do not require grad); {@code worst} names the element with the largest error.
     */
    public record Report(double[][] analytic, double[][] numeric, double maxAbsError, double maxRelError, String worst) {
        /** True when every element satisfies |analytic − numeric| ≤ atol + rtol·|numeric| (NumPy's allclose). */
        public boolean passed(double atol, double rtol) {
            for (int i = 0; i < analytic.length; i++) {
                if (analytic[i] == null) continue;
                for (int j = 0; j < analytic[i].length; j++) {
                    double diff = Math.abs(analytic[i][j] - numeric[i][j]);
                    if (!(diff <= atol + rtol * Math.abs(numeric[i][j]))) return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return String.format("GradCheck: max abs error %.3g, max rel error %.3g, worst at %s", maxAbsError, maxRelError, worst);
        }
    }

    public static Report check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, DEFAULT_STEP, inputs);
    }

    public static Report check(Function<Tensor[], Tensor> f, double h, Tensor... inputs) {
        if (!(h > 0)) throw new IllegalArgumentException("GradCheck: step h must be positive, got " + h);
        float[] weights = projectionWeights(f, inputs);
        double[][] analytic = analytic(f, weights, inputs);
        double[][] numeric = new double[inputs.length][];
        double maxAbs = 0, maxRel = 0;
        String worst = "none";
        for (int i = 0; i < inputs.length; i++) {
            if (analytic[i] == null) continue;
            float[] x = inputs[i].data();
            numeric[i] = new double[x.length];
            for (int j = 0; j < x.length; j++) {
                float original = x[j];
                // where floats are more than 2h apart (spacing ≈ |x|·2⁻²³: |x| > 1.7e5 for h = 0.01), x ± h rounds
                // back to x; step to the neighbouring floats instead, so the quotient is never 0/0
                float up = Math.max((float) (original + h), Math.nextUp(original));
                float down = Math.min((float) (original - h), Math.nextDown(original));
                x[j] = up;
                double lUp = projected(f, weights, inputs);
                x[j] = down;
                double lDown = projected(f, weights, inputs);
                x[j] = original;
                numeric[i][j] = (lUp - lDown) / ((double) up - down);
                double abs = Math.abs(analytic[i][j] - numeric[i][j]);
                double scale = Math.max(Math.abs(analytic[i][j]), Math.abs(numeric[i][j]));
                double rel = scale == 0 ? 0 : abs / scale;
                if (abs > maxAbs || Double.isNaN(abs)) {
                    maxAbs = abs;
                    worst = "input " + i + " element " + j + " (analytic " + analytic[i][j] + ", numeric " + numeric[i][j] + ")";
                }
                maxRel = Math.max(maxRel, rel);
            }
        }
        return new Report(analytic, numeric, maxAbs, maxRel, worst);
    }

    /** Fixed random weights r for L = Σ rᵢ·yᵢ, one per output element. */
    private static float[] projectionWeights(Function<Tensor[], Tensor> f, Tensor[] inputs) {
        int n;
        try (var off = Tape.noGrad()) {
            n = f.apply(inputs).numel();
        }
        if (n == 1) return new float[] {1f};               // a scalar function: its own gradient
        Rng rng = new Rng(0x5EEDL);
        float[] r = new float[n];
        for (int i = 0; i < n; i++) r[i] = rng.nextFloat() * 2f - 1f;
        return r;
    }

    /** The tape's gradient of L for every input that requires grad, leaving the inputs' grads as they were. */
    private static double[][] analytic(Function<Tensor[], Tensor> f, float[] weights, Tensor[] inputs) {
        float[][] saved = new float[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            if (!inputs[i].requiresGrad()) continue;
            saved[i] = inputs[i].gradData().clone();
            inputs[i].zeroGrad();
        }
        try (Tape tape = Tape.start()) {
            Tensor y = f.apply(inputs);
            Tensor loss = y.reshape(y.numel()).mul(Tensor.of(weights)).sum();
            if (loss.requiresGrad()) loss.backward();
        }
        double[][] grads = new double[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            if (saved[i] == null) continue;
            float[] g = inputs[i].gradData();
            grads[i] = new double[g.length];
            for (int j = 0; j < g.length; j++) grads[i][j] = g[j];
            System.arraycopy(saved[i], 0, g, 0, g.length);
        }
        return grads;
    }

    /** L = Σ rᵢ·yᵢ in double, without recording. */
    private static double projected(Function<Tensor[], Tensor> f, float[] weights, Tensor[] inputs) {
        float[] y;
        try (var off = Tape.noGrad()) {
            y = f.apply(inputs).data();
        }
        double l = 0;
        for (int i = 0; i < y.length; i++) l += (double) weights[i] * y[i];
        return l;
    }
}
