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

    /**
     * Keeps batch rows {@code rows} of the cache, in that order (rows may repeat): beam search calls this
     * when each surviving beam continues from a parent beam.
     */
    public void reorder(int[] rows) {
        if (keys == null) return;
        keys = keys.indexSelect(0, rows);
        values = values.indexSelect(0, rows);
    }

    public void clear() {
        keys = null;
        values = null;
    }
}
