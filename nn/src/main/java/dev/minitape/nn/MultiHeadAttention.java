package dev.minitape.nn;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import dev.minitape.core.ops.Attention;

/**
 * Multi-head scaled dot-product attention, self or cross:
 * <pre>
 *   Q = x·W_q,  K = m·W_k,  V = m·W_v     (m = x for self-attention, the encoder output for cross)
 *   head_h = softmax(Q_h·K_hᵀ/√hd + mask)·V_h        y = concat(head_1..H)·W_projᵀ + b
 * </pre>
 * Without a cache (training, evaluation) it runs the fused {@link Attention#multiHead} op, where a
 * query whose keys are all masked attends to nothing (output 0); with a cache (incremental decoding) or
 * attention dropout, the composite path, where masked scores are −1e9 before the softmax. Either way
 * no NaN appears where PyTorch's −∞ masking gives one. Self-attention projects q, k, v with one Linear
 * ({@code qkv}); cross-attention has {@code q} and {@code kv}. A layer is built for one {@link Kind} and
 * called through the matching method: {@link #selfAttention} or {@link #crossAttention}.
 */
public final class MultiHeadAttention extends Module {
    private static final float MASKED = -1e9f;

    /** Where keys and values come from: the queries' own sequence, or another one (the encoder's output). */
    public enum Kind { SELF, CROSS }

    /** Which keys of its own sequence a self-attention query sees (padded keys are hidden either way). */
    public enum Causality {
        /** query i sees keys up to its own position */
        CAUSAL,
        /** every query sees every key */
        BIDIRECTIONAL
    }

    private final int dim, heads, headDim;
    private final boolean cross;
    private final Linear qkv, q, kv;
    public final Linear proj;
    private final Dropout attnDropout, residDropout;

    public MultiHeadAttention(int dim, int heads, float dropout, Kind kind, Rng rng) {
        this(dim, heads, dropout, kind, rng, rng);
    }

    /** Initializes from {@code rng}; dropout draws from {@code dropoutRng}. */
    public MultiHeadAttention(int dim, int heads, float dropout, Kind kind, Rng rng, Rng dropoutRng) {
        if (heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException("MultiHeadAttention: width " + dim + " is not divisible by " + heads + " heads");
        }
        this.dim = dim;
        this.heads = heads;
        this.headDim = dim / heads;
        this.cross = kind == Kind.CROSS;
        this.qkv = cross ? null : module("qkv", new Linear(dim, 3 * dim, true, rng));
        this.q = cross ? module("q", new Linear(dim, dim, true, rng)) : null;
        this.kv = cross ? module("kv", new Linear(dim, 2 * dim, true, rng)) : null;
        this.proj = module("proj", new Linear(dim, dim, true, rng));
        this.attnDropout = module("attn_dropout", new Dropout(dropout, dropoutRng));
        this.residDropout = module("resid_dropout", new Dropout(dropout, dropoutRng));
    }

    /**
     * Self-attention over the whole sequence (training, evaluation).
     *
     * @param x          queries, keys and values (B, T, C)
     * @param keyPadding (B, T) with 1 where a key is padding (hidden from every query), or null: none
     */
    public Tensor selfAttention(Tensor x, Causality causality, Tensor keyPadding) {
        return attend(Kind.SELF, x, null, causality == Causality.CAUSAL, keyPadding, null);
    }

    /**
     * Self-attention that continues a cache (incremental decoding): query i is at position
     * {@code cache.length() + i}, and its keys and values are added to the cache.
     *
     * @param x     the new positions (B, T, C)
     * @param cache keys and values of the earlier positions; null for a full pass without padding
     */
    public Tensor selfAttention(Tensor x, Causality causality, KvCache cache) {
        return attend(Kind.SELF, x, null, causality == Causality.CAUSAL, null, cache);
    }

    /**
     * Cross-attention: every query sees every unpadded position of the memory.
     *
     * @param x             queries (B, T, C)
     * @param memory        keys and values (B, S, C)
     * @param memoryPadding (B, S) with 1 where the memory is padding, or null: none
     * @param cache         holds the memory's keys and values after the first call (incremental decoding), or null
     */
    public Tensor crossAttention(Tensor x, Tensor memory, Tensor memoryPadding, KvCache cache) {
        return attend(Kind.CROSS, x, memory, false, memoryPadding, cache);
    }

    private Tensor attend(Kind called, Tensor x, Tensor memory, boolean causal, Tensor keyPadding, KvCache cache) {
        if (cross != (called == Kind.CROSS)) {
            throw new IllegalArgumentException("MultiHeadAttention: this layer was built for "
                    + (cross ? "cross-attention; call crossAttention" : "self-attention; call selfAttention"));
        }
        int b = x.size(0), t = x.size(1);
        if (attnDropout.isTraining() && attnDropout.active()) {
            if (cache != null) throw new IllegalArgumentException("MultiHeadAttention: a KV cache is for inference; call eval() first");
            return composite(x, memory, causal, keyPadding, b, t);
        }
        // The fused path: heads read straight from the projections' rows, nothing transposed or copied.
        Tensor qs, ks, vs;
        int qCol = 0, kCol, vCol, past = 0;
        if (!cross) {
            Tensor all = qkv.forward(x);                                       // (B, T, 3C): q | k | v
            if (cache == null) {
                qs = ks = vs = all;
                kCol = dim;
                vCol = 2 * dim;
            } else {
                past = cache.length();
                Tensor kNew = all.slice(2, dim, 2 * dim), vNew = all.slice(2, 2 * dim, 3 * dim);
                cache.keys = past == 0 ? kNew : Tensor.concat(1, cache.keys, kNew);
                cache.values = past == 0 ? vNew : Tensor.concat(1, cache.values, vNew);
                qs = all;
                ks = cache.keys;
                vs = cache.values;
                kCol = vCol = 0;
            }
        } else {
            qs = q.forward(x);
            Tensor both;                                                       // (B, S, 2C): k | v
            if (cache != null && cache.length() > 0) {
                both = cache.keys;                                             // the memory's, computed once
            } else {
                both = kv.forward(memory);
                if (cache != null) cache.keys = both;
            }
            ks = vs = both;
            kCol = 0;
            vCol = dim;
        }
        Tensor y = Attention.multiHead(qs, qCol, ks, kCol, vs, vCol, heads, dim, causal, past, keyPadding);
        return residDropout.forward(proj.forward(y));
    }

    /**
     * Attention from tensor ops, for training with attention dropout (the fused op has none): the same
     * result as the fused path, including 0 for a query with no visible key.
     */
    private Tensor composite(Tensor x, Tensor memory, boolean causal, Tensor keyPadding, int b, int t) {
        Tensor qh, kh, vh;
        if (!cross) {
            Tensor all = qkv.forward(x);
            qh = split(all.slice(2, 0, dim), b, t);
            kh = split(all.slice(2, dim, 2 * dim), b, t);
            vh = split(all.slice(2, 2 * dim, 3 * dim), b, t);
        } else {
            int s = memory.size(1);
            Tensor both = kv.forward(memory);
            qh = split(q.forward(x), b, t);
            kh = split(both.slice(2, 0, dim), b, s);
            vh = split(both.slice(2, dim, 2 * dim), b, s);
        }
        int s = kh.size(2);
        Tensor scores = qh.matmul(kh.transpose(2, 3)).mul((float) (1 / Math.sqrt(headDim)));   // (B, H, T, S)
        float[] hidden = new float[b * t * s];                                             // (B, 1, T, S)
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < s; j++) {
                    boolean future = causal && j > i, padded = keyPadding != null && keyPadding.data()[bi * s + j] != 0f;
                    if (future || padded) hidden[(bi * t + i) * s + j] = 1f;
                }
            }
        }
        Tensor mask = new Tensor(hidden, b, 1, t, s);
        Tensor attn = scores.maskedFill(mask, MASKED).softmax(-1).mul(visibleRows(hidden, b, t, s));
        Tensor y = attnDropout.forward(attn).matmul(vh).permute(0, 2, 1, 3).reshape(b, t, dim);
        return residDropout.forward(proj.forward(y));
    }

    /** (B, 1, T, 1): 0 for a query whose keys are all hidden, 1 otherwise. */
    private static Tensor visibleRows(float[] hidden, int b, int t, int s) {
        float[] rows = new float[b * t];
        for (int r = 0; r < b * t; r++) {
            for (int j = 0; j < s; j++) {
                if (hidden[r * s + j] == 0f) {
                    rows[r] = 1f;
                    break;
                }
            }
        }
        return new Tensor(rows, b, 1, t, 1);
    }

    /** (B, T, C) → (B, H, T, hd) */
    private Tensor split(Tensor x, int b, int t) {
        return x.reshape(b, t, heads, headDim).permute(0, 2, 1, 3);
    }

    @Override
    protected String describe() {
        return (cross ? "cross" : "self") + ", dim=" + dim + ", heads=" + heads;
    }
}
