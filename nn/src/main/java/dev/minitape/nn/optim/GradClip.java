package dev.minitape.nn.optim;

import dev.minitape.core.Tensor;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Gradient clipping by global norm, PyTorch's {@code torch.nn.utils.clip_grad_norm_} (L2):
 * <pre>
 *   norm  = sqrt(Σ over all gradients of g²)        (summed in double)
 *   scale = maxNorm / (norm + 1e-6)
 *   g     = g·scale   for every gradient, only when scale &lt; 1
 * </pre>
 * Parameters without a gradient are skipped; a tensor listed twice (tied weights) counts once, as in
 * {@code model.parameters()}.
 *
 * <p>Differences from PyTorch, both deliberate: the norm is accumulated in double rather than float32 (it
 * agrees with PyTorch's to float32 rounding), and a non-finite norm (NaN or infinite, from a gradient that
 * overflowed) leaves every gradient unchanged and is returned as is, for the trainer to decide (skip the
 * step, lower the lr); PyTorch would multiply the gradients by NaN or 0.
 */
public final class GradClip {
    private GradClip() {}

    /** The L2 norm of all gradients together, as if concatenated into one vector; 0 if there are none. */
    public static double globalNorm(Collection<? extends Tensor> params) {
        double sumSq = 0;
        for (Tensor p : distinctWithGrad(params)) {
            for (float g : p.gradData()) sumSq += (double) g * g;
        }
        return Math.sqrt(sumSq);
    }

    /**
     * Scales all gradients by {@code maxNorm / (norm + 1e-6)} when that is below 1; returns the global norm
     * before clipping (NaN or infinite when a gradient is, in which case nothing changed).
     */
    public static double clipGlobalNorm(Collection<? extends Tensor> params, double maxNorm) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("GradClip.clipGlobalNorm: maxNorm must be >= 0, got " + maxNorm);
        }
        double norm = globalNorm(params);
        if (!Double.isFinite(norm)) return norm;
        double scale = maxNorm / (norm + 1e-6);
        if (scale < 1) {
            float s = (float) scale;
            for (Tensor p : distinctWithGrad(params)) {
                float[] g = p.gradData();
                for (int i = 0; i < g.length; i++) g[i] *= s;
            }
        }
        return norm;
    }

    private static Set<Tensor> distinctWithGrad(Collection<? extends Tensor> params) {
        Set<Tensor> out = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor p : params) if (p.grad() != null) out.add(p);
        return out;
    }
}
