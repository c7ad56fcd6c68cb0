package dev.minitape.nn.optim;

import dev.minitape.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Adam, PyTorch's {@code torch.optim.Adam} (1.13, single-tensor path; defaults lr 1e-3, betas (0.9, 0.999),
 * eps 1e-8, weight decay 0, no AMSGrad). Weight decay is L2, added to the gradient before the moments:
 * <pre>
 *   g = g + wd·p
 *   m = β1·m + (1 − β1)·g          v = β2·v + (1 − β2)·g²         (v = max(v̂, v) with AMSGrad)
 *   p = p − lr/(1 − β1^t) · m / (sqrt(v)/sqrt(1 − β2^t) + eps)
 * </pre>
 * For transformers prefer {@link AdamW}, whose decay does not pass through the moments.
 *
 * <pre>
 *   Adam adam = Adam.builder().lr(3e-4).build(model.namedParameters());
 * </pre>
 */
public final class Adam extends AdamCore {

    private Adam(List<ParamGroup> groups, Builder b) {
        super("Adam", groups, b.lr, b.beta1, b.beta2, b.eps, b.weightDecay, b.amsgrad, false);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Adam's options, PyTorch's defaults. */
    public static final class Builder {
        private double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0;
        private boolean amsgrad;

        private Builder() {}

        public Builder lr(double lr) { this.lr = lr; return this; }
        public Builder betas(double beta1, double beta2) { this.beta1 = beta1; this.beta2 = beta2; return this; }
        public Builder eps(double eps) { this.eps = eps; return this; }
        public Builder weightDecay(double weightDecay) { this.weightDecay = weightDecay; return this; }
        public Builder amsgrad(boolean amsgrad) { this.amsgrad = amsgrad; return this; }

        /** One group of {@code named} with these options. */
        public Adam build(Map<String, Parameter> named) {
            return build(List.of(ParamGroup.of(named)));
        }

        /** Groups whose unset lr or weight decay take these options'. */
        public Adam build(List<ParamGroup> groups) {
            validate("Adam", lr, beta1, beta2, eps, weightDecay);
            return new Adam(groups, this);
        }
    }
}
