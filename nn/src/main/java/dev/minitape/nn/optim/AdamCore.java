package dev.minitape.nn.optim;

import dev.minitape.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * The update Adam and AdamW share: PyTorch 1.13's {@code _single_tensor_adam} / {@code _single_tensor_adamw},
 * operation for operation in float32, with the scalars computed in double and rounded to float where
 * PyTorch passes them to a float kernel. For step t of a parameter p with gradient g:
 * <pre>
 *   p = p·(1 − lr·wd)                               (AdamW only: decoupled decay, before the update)
 *   g = g + wd·p                                    (Adam only, when wd ≠ 0: L2 decay in the gradient)
 *   m = β1·m + (1 − β1)·g                           (one FMA after rounding β1·m, as torch's mul_ then add_)
 *   v = β2·v + (1 − β2)·g·g                         (addcmul_: fma((1 − β2)·g, g, β2·v))
 *   v̂ = max(v̂, v); use v̂ for v below                  (AMSGrad only)
 *   denom = sqrt(v) / sqrt(1 − β2^t) + eps
 *   p = p + (−lr/(1 − β1^t))·m / denom               (addcdiv_: ((s·m) / denom) + p)
 * </pre>
 */
abstract class AdamCore extends Optimizer {
    private final double beta1, beta2, eps;
    private final boolean amsgrad, decoupled;

    AdamCore(String name, List<ParamGroup> groups, double lr, double beta1, double beta2, double eps,
             double weightDecay, boolean amsgrad, boolean decoupled) {
        super(name, groups, lr, weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.amsgrad = amsgrad;
        this.decoupled = decoupled;
    }

    /**
     * The options Adam and AdamW share, PyTorch's defaults but the weight decay (each builder sets its own).
     * B is the concrete builder, so the setters chain; O is the optimizer it builds.
     */
    abstract static class Options<B extends Options<B, O>, O extends AdamCore> {
        double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay;
        boolean amsgrad;
        private final String name;

        Options(String name, double weightDecay) {
            this.name = name;
            this.weightDecay = weightDecay;
        }

        abstract B self();

        abstract O create(List<ParamGroup> groups);

        public B lr(double lr) { this.lr = lr; return self(); }
        public B betas(double beta1, double beta2) { this.beta1 = beta1; this.beta2 = beta2; return self(); }
        public B eps(double eps) { this.eps = eps; return self(); }
        /** The decay of groups that set none (decayAndNoDecay's groups set their own). */
        public B weightDecay(double weightDecay) { this.weightDecay = weightDecay; return self(); }
        public B amsgrad(boolean amsgrad) { this.amsgrad = amsgrad; return self(); }

        /** One group of {@code named} with these options. */
        public O build(Map<String, Parameter> named) {
            return build(List.of(ParamGroup.of(named)));
        }

        /** Groups whose unset lr or weight decay take these options'. */
        public O build(List<ParamGroup> groups) {
            validate(name, lr, beta1, beta2, eps, weightDecay);
            return create(groups);
        }
    }

    /** PyTorch's checks on Adam's options, with {@code who} and the offending value in the message. */
    private static void validate(String who, double lr, double beta1, double beta2, double eps, double weightDecay) {
        ParamGroup.checkLr(who, lr, false);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException(who + ": beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException(who + ": beta2 must be in [0, 1), got " + beta2);
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(who + ": eps must be finite and >= 0, got " + eps);
        }
        ParamGroup.checkWeightDecay(who, weightDecay, false);
    }

    public final double beta1() { return beta1; }
    public final double beta2() { return beta2; }
    public final double eps() { return eps; }
    public final boolean amsgrad() { return amsgrad; }

    @Override
    protected final List<String> bufferNames() {
        return amsgrad ? List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq") : List.of("exp_avg", "exp_avg_sq");
    }

    @Override
    protected final void update(ParamGroup group, float[] w, float[] g, int t, float[][] buffers) {
        double lr = group.lr(), wd = group.weightDecay();
        double stepSize = lr / (1 - Math.pow(beta1, t));                   // lr / (1 − β1^t)
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));         // sqrt(1 − β2^t)
        float b1 = (float) beta1, oneMinusB1 = (float) (1 - beta1), b2 = (float) beta2, oneMinusB2 = (float) (1 - beta2);
        float epsF = (float) eps, negStep = (float) -stepSize, wdF = (float) wd, shrink = (float) (1 - lr * wd);
        boolean l2 = !decoupled && wd != 0;
        float[] m = buffers[0], v = buffers[1], vMax = amsgrad ? buffers[2] : null;
        for (int i = 0; i < w.length; i++) {
            if (decoupled) w[i] *= shrink;                                  // p = p·(1 − lr·wd)
            float gi = l2 ? Math.fma(w[i], wdF, g[i]) : g[i];               // g = g + wd·p
            m[i] = Math.fma(gi, oneMinusB1, m[i] * b1);                     // m = β1·m + (1 − β1)·g
            v[i] = Math.fma(oneMinusB2 * gi, gi, v[i] * b2);                // v = β2·v + (1 − β2)·g²
            float second = v[i];
            if (vMax != null) second = vMax[i] = Math.max(vMax[i], v[i]);   // v̂ = max(v̂, v)
            float denom = (float) Math.sqrt(second) / bc2Sqrt + epsF;       // sqrt(v)/sqrt(1 − β2^t) + eps
            w[i] += negStep * m[i] / denom;                                 // p −= lr/(1 − β1^t) · m / denom
        }
    }

    @Override
    public String toString() {
        return super.toString() + " betas (" + beta1 + ", " + beta2 + "), eps " + eps + (amsgrad ? ", amsgrad" : "");
    }
}
