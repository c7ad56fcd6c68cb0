package dev.minitape.nn.optim;

import dev.minitape.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum, PyTorch's {@code torch.optim.SGD} (1.13, single-tensor path):
 * <pre>
 *   d = g + wd·p                                  (when wd ≠ 0: L2 decay added to the gradient)
 *   buf = d                                       (first step: the buffer starts as the gradient)
 *   buf = μ·buf + (1 − τ)·d                        (later steps; μ momentum, τ dampening)
 *   d = nesterov ? d + μ·buf : buf                (when μ ≠ 0)
 *   p = p − lr·d
 * </pre>
 * In float32 with PyTorch's roundings: scalars are rounded to float, {@code x + α·y} is one fused
 * multiply-add (PyTorch's CPU add kernel is an FMA), {@code μ·buf} is rounded before the add.
 *
 * <pre>
 *   Sgd sgd = Sgd.builder().lr(0.1).momentum(0.9).nesterov(true).build(model.namedParameters());
 * </pre>
 */
public final class Sgd extends Optimizer {
    private final double momentum, dampening;
    private final boolean nesterov;

    private Sgd(List<ParamGroup> groups, Builder b) {
        super("Sgd", groups, b.lr, b.weightDecay);
        this.momentum = b.momentum;
        this.dampening = b.dampening;
        this.nesterov = b.nesterov;
    }

    public static Builder builder() {
        return new Builder();
    }

    public double momentum() { return momentum; }
    public double dampening() { return dampening; }
    public boolean nesterov() { return nesterov; }

    @Override
    protected List<String> bufferNames() {
        return momentum != 0 ? List.of("momentum_buffer") : List.of();
    }

    @Override
    protected void update(ParamGroup group, float[] w, float[] g, int t, float[][] buffers) {
        double wd = group.weightDecay();
        float wdF = (float) wd, mu = (float) momentum, keep = (float) (1 - dampening), negLr = (float) -group.lr();
        float[] buf = momentum != 0 ? buffers[0] : null;
        for (int i = 0; i < w.length; i++) {
            float d = g[i];
            if (wd != 0) d = Math.fma(w[i], wdF, d);                              // d = g + wd·p
            if (buf != null) {
                buf[i] = t == 1 ? d : Math.fma(d, keep, buf[i] * mu);             // buf = μ·buf + (1 − τ)·d
                d = nesterov ? Math.fma(buf[i], mu, d) : buf[i];                  // d = d + μ·buf  or  buf
            }
            w[i] = Math.fma(d, negLr, w[i]);                                      // p = p − lr·d
        }
    }

    /** Sgd's options; defaults are PyTorch's (lr has none there: set it). */
    public static final class Builder {
        private double lr = Double.NaN, momentum, dampening, weightDecay;
        private boolean nesterov;

        private Builder() {}

        public Builder lr(double lr) { this.lr = lr; return this; }
        public Builder momentum(double momentum) { this.momentum = momentum; return this; }
        public Builder dampening(double dampening) { this.dampening = dampening; return this; }
        public Builder nesterov(boolean nesterov) { this.nesterov = nesterov; return this; }
        public Builder weightDecay(double weightDecay) { this.weightDecay = weightDecay; return this; }

        /** One group of {@code named} with these options. */
        public Sgd build(Map<String, Parameter> named) {
            return build(List.of(ParamGroup.of(named)));
        }

        /** Groups whose unset lr or weight decay take these options'. */
        public Sgd build(List<ParamGroup> groups) {
            boolean lrNeeded = groups.stream().anyMatch(g -> Double.isNaN(g.lr()));
            if (lrNeeded && Double.isNaN(lr)) {
                throw new IllegalArgumentException("Sgd: lr is required (PyTorch's SGD has no default); call lr(...)");
            }
            if (!Double.isNaN(lr)) ParamGroup.checkLr("Sgd", lr, false);
            if (!(momentum >= 0) || Double.isInfinite(momentum)) {
                throw new IllegalArgumentException("Sgd: momentum must be finite and >= 0, got " + momentum);
            }
            if (!Double.isFinite(dampening)) {
                throw new IllegalArgumentException("Sgd: dampening must be finite, got " + dampening);
            }
            ParamGroup.checkWeightDecay("Sgd", weightDecay, false);
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("Sgd: nesterov needs momentum > 0 and dampening 0, got momentum "
                        + momentum + " and dampening " + dampening);
            }
            return new Sgd(groups, this);
        }
    }

    @Override
    public String toString() {
        return super.toString() + " momentum " + momentum + ", dampening " + dampening + ", nesterov " + nesterov;
    }
}
