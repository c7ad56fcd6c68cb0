package dev.minitape.nn.optim;

import java.util.List;

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

    /** AdamW's options, PyTorch's defaults (weight decay 1e-2). */
    public static final class Builder extends Options<Builder, AdamW> {
        private Builder() {
            super("AdamW", 1e-2);
        }

        @Override
        Builder self() {
            return this;
        }

        @Override
        AdamW create(List<ParamGroup> groups) {
            return new AdamW(groups, this);
        }
    }
}
