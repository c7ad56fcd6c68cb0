package dev.minitape.nn;

import dev.minitape.core.Tensor;

/**
 * The keys and values an attention layer has already computed, in the projections' layout (B, S, *),
 * so incremental decoding feeds one new token at a time: self-attention appends the new token's key and
 * value; cross-attention keeps the memory's key/value projection (B, S, 2C), computed once.
 */
public final class KvCache {
    Tensor keys;
    Tensor values;     // null for a cross-attention cache, whose keys hold keys and values side by side

    /** Positions cached so far (0 when empty). */
    public int length() {
        return keys == null ? 0 : keys.size(1);
    }

    /**
     * Keeps batch rows {@code rows} of the cache, in that order (rows may repeat): beam search calls this
     * when each surviving beam continues from a parent beam.
     */
    public void reorder(int[] rows) {
        if (keys != null) keys = keys.indexSelect(0, rows);
        if (values != null) values = values.indexSelect(0, rows);
    }

    public void clear() {
        keys = null;
        values = null;
    }
}
