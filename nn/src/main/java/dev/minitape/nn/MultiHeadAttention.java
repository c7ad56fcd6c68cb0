package dev.minitape.nn;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;

/**
 * Multi-head scaled dot-product attention, self or cross:
 * <pre>
 *   Q = x·W_q,  K = m·W_k,  V = m·W_v     (m = x for self-attention, the encoder output for cross)
 *   head_h = softmax(Q_h·K_hᵀ/√hd + mask)·V_h        y = concat(head_1..H)·W_projᵀ + b
 * </pre>
 * Masked scores are set to −1e9 before the softmax, so a query whose keys are all masked gets a
 * uniform (finite) distribution instead of NaN. Self-attention projects q, k, v with one Linear
 * ({@code qkv}); cross-attention has {@code q} and {@code kv}.
 */
public final class MultiHeadAttention extends Module {
    private static final float MASKED = -1e9f;

    private final int dim, heads, headDim;
    private final boolean cross;
    private final Linear qkv, q, kv;
    public final Linear proj;
    private final Dropout attnDropout, residDropout;

    public MultiHeadAttention(int dim, int heads, float dropout, boolean cross, Rng rng) {
        this(dim, heads, dropout, cross, rng, rng);
    }

    /** Initializes from {@code rng}; dropout draws from {@code dropoutRng}. */
    public MultiHeadAttention(int dim, int heads, float dropout, boolean cross, Rng rng, Rng dropoutRng) {
        if (heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException("MultiHeadAttention: width " + dim + " is not divisible by " + heads + " heads");
        }
        this.dim = dim;
        this.heads = heads;
        this.headDim = dim / heads;
        this.cross = cross;
        this.qkv = cross ? null : module("qkv", new Linear(dim, 3 * dim, true, rng));
        this.q = cross ? module("q", new Linear(dim, dim, true, rng)) : null;
        this.kv = cross ? module("kv", new Linear(dim, 2 * dim, true, rng)) : null;
        this.proj = module("proj", new Linear(dim, dim, true, rng));
        this.attnDropout = module("attn_dropout", new Dropout(dropout, dropoutRng));
        this.residDropout = module("resid_dropout", new Dropout(dropout, dropoutRng));
    }

    /**
     * @param x          queries (B, T, C)
     * @param memory     keys and values for cross-attention (B, S, C); null for self-attention
     * @param causal     query i (at absolute position cache.length() + i) sees keys up to its own position
     * @param keyPadding (B, S) with 1 where a key is padding (hidden from every query), or null
     * @param cache      keys and values from earlier calls (incremental decoding), or null
     */
    public Tensor forward(Tensor x, Tensor memory, boolean causal, Tensor keyPadding, KvCache cache) {
        if (cross == (memory == null)) {
            throw new IllegalArgumentException("MultiHeadAttention: " + (cross ? "cross-attention needs a memory"
                    : "self-attention takes no memory"));
        }
        int b = x.size(0), t = x.size(1);
        Tensor qh, kh, vh;
        int past = cache == null ? 0 : cache.length();
        if (!cross) {
            Tensor all = qkv.forward(x);                                   // (B, T, 3C)
            qh = split(all.slice(2, 0, dim), b, t);
            kh = split(all.slice(2, dim, 2 * dim), b, t);
            vh = split(all.slice(2, 2 * dim, 3 * dim), b, t);
            if (cache != null) {
                if (past > 0) {
                    kh = Tensor.concat(2, cache.keys, kh);
                    vh = Tensor.concat(2, cache.values, vh);
                }
                cache.keys = kh;
                cache.values = vh;
            }
        } else {
            qh = split(q.forward(x), b, t);
            if (cache != null && cache.length() > 0) {
                kh = cache.keys;                                           // the memory's, computed once
                vh = cache.values;
            } else {
                int s = memory.size(1);
                Tensor both = kv.forward(memory);
                kh = split(both.slice(2, 0, dim), b, s);
                vh = split(both.slice(2, dim, 2 * dim), b, s);
                if (cache != null) {
                    cache.keys = kh;
                    cache.values = vh;
                }
            }
            past = 0;
        }
        int s = kh.size(2);
        Tensor scores = qh.matmul(kh.transpose(2, 3)).mul((float) (1 / Math.sqrt(headDim)));   // (B, H, T, S)
        if (causal) scores = scores.maskedFill(causalMask(t, s, past), MASKED);
        if (keyPadding != null) {
            if (keyPadding.dim() != 2 || keyPadding.size(0) != b || keyPadding.size(1) != s) {
                throw new IllegalArgumentException("MultiHeadAttention: key padding mask of shape "
                        + java.util.Arrays.toString(keyPadding.shape()) + " does not match (B, S) = (" + b + ", " + s + ")");
            }
            scores = scores.maskedFill(keyPadding.reshape(b, 1, 1, s), MASKED);
        }
        Tensor attn = attnDropout.forward(scores.softmax(-1));
        Tensor y = attn.matmul(vh).permute(0, 2, 1, 3).reshape(b, t, dim);  // (B, T, C)
        return residDropout.forward(proj.forward(y));
    }

    /** (B, T, C) → (B, H, T, hd) */
    private Tensor split(Tensor x, int b, int t) {
        return x.reshape(b, t, heads, headDim).permute(0, 2, 1, 3);
    }

    /** (T, S) with 1 where key j is after query i's absolute position past + i. */
    static Tensor causalMask(int t, int s, int past) {
        float[] m = new float[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = past + i + 1; j < s; j++) m[i * s + j] = 1f;
        }
        return new Tensor(m, t, s);
    }

    @Override
    protected String describe() {
        return (cross ? "cross" : "self") + ", dim=" + dim + ", heads=" + heads;
    }
}
