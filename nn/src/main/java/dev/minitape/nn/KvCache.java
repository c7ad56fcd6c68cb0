package dev.minitape.nn;

import dev.minitape.core.Tensor;

/**
 * The keys and values an attention layer has already computed, (B, H, S, hd) each, so incremental
 * decoding feeds one new token at a time: self-attention appends the new token's key and value;
 * cross-attention computes the memory's once and reuses them.
 */
public final class KvCache {
    Tensor keys;
    Tensor values;

    /** Positions cached so far (0 when empty). */
    public int length() {
        return keys == null ? 0 : keys.size(2);
    }

    public void clear() {
        keys = null;
        values = null;
    }
}
