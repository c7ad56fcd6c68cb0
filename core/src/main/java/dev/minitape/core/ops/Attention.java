package dev.minitape.core.ops;

import dev.minitape.core.Shape;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.core.kernels.AttentionKernel;
import dev.minitape.core.kernels.AttentionKernel.Rows;

/** Fused multi-head attention over projection outputs; see {@link AttentionKernel} for the formulas. */
public final class Attention {
    private Attention() {}

    /**
     * Multi-head attention where queries, keys and values are column blocks of projection outputs:
     * Q = q[..., qCol : qCol + C] of q (B, T, *), K = k[..., kCol : kCol + C] and V = v[..., vCol : vCol + C]
     * of (B, S, *) tensors (one tensor may serve several roles, e.g. a fused qkv projection).
     *
     * @param past       with causal masking, the absolute position of the first query (keys cached before it)
     * @param keyPadding (B, S) with 1 at keys to hide, or null
     * @return (B, T, C) with C = heads·hd, the heads side by side
     */
    public static Tensor multiHead(Tensor q, int qCol, Tensor k, int kCol, Tensor v, int vCol, int heads, int dim,
                                   boolean causal, int past, Tensor keyPadding) {
        int b = q.size(0), t = q.size(1), s = k.size(1), hd = dim / heads;
        if (dim % heads != 0 || q.dim() != 3 || k.dim() != 3 || v.dim() != 3 || k.size(0) != b || v.size(0) != b
                || v.size(1) != s || qCol + dim > q.size(2) || kCol + dim > k.size(2) || vCol + dim > v.size(2)) {
            throw new IllegalArgumentException("attention: q " + Shape.str(q.shape()) + ", k " + Shape.str(k.shape()) + ", v "
                    + Shape.str(v.shape()) + " do not hold " + heads + " heads of width " + dim + " at columns "
                    + qCol + ", " + kCol + ", " + vCol);
        }
        if (keyPadding != null && (keyPadding.dim() != 2 || keyPadding.size(0) != b || keyPadding.size(1) != s)) {
            throw new IllegalArgumentException("attention: key padding mask of shape " + Shape.str(keyPadding.shape())
                    + " does not match (B, S) = (" + b + ", " + s + ")");
        }
        Rows qr = new Rows(q.data(), qCol, q.size(2)), kr = new Rows(k.data(), kCol, k.size(2)), vr = new Rows(v.data(), vCol, v.size(2));
        float scale = (float) (1 / Math.sqrt(hd));
        float[] y = Tape.outputBuffer(b * t * dim, q, k, v), p = Tape.outputBuffer(b * heads * t * s, q, k, v);
        float[] pad = keyPadding == null ? null : keyPadding.data();
        AttentionKernel.forward(y, p, qr, kr, vr, b, t, s, heads, hd, past, causal, pad, scale);
        return Tape.record("attention", new Tensor(y, b, t, dim), dy -> AttentionKernel.backward(
                q.requiresGrad() ? new Rows(q.gradData(), qCol, q.size(2)) : null,
                k.requiresGrad() ? new Rows(k.gradData(), kCol, k.size(2)) : null,
                v.requiresGrad() ? new Rows(v.gradData(), vCol, v.size(2)) : null,
                dy, p, qr, kr, vr, b, t, s, heads, hd, past, causal, scale), q, k, v);
    }
}
