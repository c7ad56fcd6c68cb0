package dev.minitape.lm.tokenizer;

import java.util.Arrays;

/**
 * A fixed-capacity hash map from non-negative {@code long} keys to {@code int} values, without boxing:
 * open addressing with linear probing in a power-of-two table kept at most half full. It holds the BPE
 * merge ranks ({@code (left, right)} pair → rank), looked up once per candidate pair while encoding.
 */
final class LongIntMap {
    private static final long EMPTY = -1L;                  // keys are >= 0

    private final long[] keys;
    private final int[] values;
    private final int shift;
    private final int capacity;
    private int size;

    /** A map that can hold up to {@code capacity} keys. */
    LongIntMap(int capacity) {
        int bits = 64 - Long.numberOfLeadingZeros(Math.max(4L, 2L * capacity) - 1);   // 2^bits >= 2 × capacity
        keys = new long[1 << bits];
        values = new int[1 << bits];
        Arrays.fill(keys, EMPTY);
        shift = 64 - bits;
        this.capacity = capacity;
    }

    /** The value of {@code key}, or -1 if it has none. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) return values[i];
            if (k == EMPTY) return -1;
        }
    }

    /** Sets the value of {@code key} (>= 0); returns the previous value, or -1 if there was none. */
    int put(long key, int value) {
        int mask = keys.length - 1;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                int old = values[i];
                values[i] = value;
                return old;
            }
            if (k == EMPTY) {
                if (size == capacity) throw new IllegalStateException("LongIntMap is full (" + capacity + " keys)");
                keys[i] = key;
                values[i] = value;
                size++;
                return -1;
            }
        }
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);    // Fibonacci hashing: the top bits mix all bits
    }
}
