package dev.minitape.lm.tokenizer;

import java.util.Arrays;

/**
 * The BPE trainer's priority queue: entries {@code (count, pair)}, the largest count first and, among
 * equal counts, the smallest pair key (that is, the smallest {@code (left, right)}) first. Entries are
 * never updated in place: the trainer pushes a pair again whenever its count changes and skips, when
 * popping, entries whose count is no longer the pair's count (lazy invalidation).
 */
final class PairHeap {
    private int[] counts = new int[1024];
    private long[] keys = new long[1024];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    void push(int count, long key) {
        if (size == counts.length) {
            counts = Arrays.copyOf(counts, size * 2);
            keys = Arrays.copyOf(keys, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(count, key, counts[parent], keys[parent])) break;
            counts[i] = counts[parent];
            keys[i] = keys[parent];
            i = parent;
        }
        counts[i] = count;
        keys[i] = key;
    }

    /** The count of the first entry; the heap must not be empty. */
    int topCount() {
        return counts[0];
    }

    /** The pair key of the first entry; the heap must not be empty. */
    long topKey() {
        return keys[0];
    }

    /** Removes the first entry; the heap must not be empty. */
    void pop() {
        int count = counts[--size];
        long key = keys[size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && before(counts[child + 1], keys[child + 1], counts[child], keys[child])) child++;
            if (!before(counts[child], keys[child], count, key)) break;
            counts[i] = counts[child];
            keys[i] = keys[child];
            i = child;
        }
        counts[i] = count;
        keys[i] = key;
    }

    private static boolean before(int countA, long keyA, int countB, long keyB) {
        return countA > countB || countA == countB && keyA < keyB;
    }
}
