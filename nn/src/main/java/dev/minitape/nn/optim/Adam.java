package dev.minitape.nn.optim;

import java.util.List;

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

    /** Adam's options, PyTorch's defaults (weight decay 0). */
    public static final class Builder extends Options<Builder, Adam> {
        private Builder() {
            super("Adam", 0);
        }

        @Override
        Builder self() {
            return this;
        }

        @Override
        Adam create(List<ParamGroup> groups) {
            return new Adam(groups, this);
        }
    }
}
