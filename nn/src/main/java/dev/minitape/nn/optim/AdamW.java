package dev.minitape.nn.optim;

import dev.minitape.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * AdamW, PyTorch's {@code torch.optim.AdamW} (1.13, single-tensor path; defaults lr 1e-3, betas (0.9, 0.999),
 * eps 1e-8, weight decay 1e-2, no AMSGrad): Adam with decoupled weight decay, which shrinks the weights
 * before the update instead of passing through the moments (Loshchilov and Hutter):
 * <pre>
 *   p = p·(1 − lr·wd)
 *   m = β1·m + (1 − β1)·g          v = β2·v + (1 − β2)·g²         (v = max(v̂, v) with AMSGrad)
 *   p = p − lr/(1 − β1^t) · m / (sqrt(v)/sqrt(1 − β2^t) + eps)
 * </pre>
 * The GPT recipe decays matrices only:
 * <pre>
 *   AdamW opt = AdamW.builder().lr(6e-4).betas(0.9, 0.95)
 *           .build(ParamGroup.decayAndNoDecay(model.namedParameters(), 0.1));
 * </pre>
 */
public final class AdamW extends AdamCore {

    private AdamW(List<ParamGroup> groups, Builder b) {
        super("AdamW", groups, b.lr, b.beta1, b.beta2, b.eps, b.weightDecay, b.amsgrad, true);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** AdamW's options, PyTorch's defaults. */
    public static final class Builder {
        private double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 1e-2;
        private boolean amsgrad;

        private Builder() {}

        public Builder lr(double lr) { this.lr = lr; return this; }
        public Builder betas(double beta1, double beta2) { this.beta1 = beta1; this.beta2 = beta2; return this; }
        public Builder eps(double eps) { this.eps = eps; return this; }
        /** The decay of groups that set none (decayAndNoDecay's groups set their own). */
        public Builder weightDecay(double weightDecay) { this.weightDecay = weightDecay; return this; }
        public Builder amsgrad(boolean amsgrad) { this.amsgrad = amsgrad; return this; }

        /** One group of {@code named} with these options. */
        public AdamW build(Map<String, Parameter> named) {
            return build(List.of(ParamGroup.of(named)));
        }

        /** Groups whose unset lr or weight decay take these options'. */
        public AdamW build(List<ParamGroup> groups) {
            validate("AdamW", lr, beta1, beta2, eps, weightDecay);
            return new AdamW(groups, this);
        }
    }
}
