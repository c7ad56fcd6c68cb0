package dev.minitape.core;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The free float arrays of one thread, by length, for tapes that reuse buffers
 * ({@link Tape#startReusingBuffers()}): a training step repeats its shapes, so after the first step every
 * activation and intermediate gradient finds an array of its length here instead of a fresh one.
 */
final class BufferPool {
    private static final ThreadLocal<BufferPool> POOLS = ThreadLocal.withInitial(BufferPool::new);

    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private long freeFloats;

    private BufferPool() {}

    static BufferPool ofThisThread() {
        return POOLS.get();
    }

    /**
     * The map key of length n. A step's lengths are mostly multiples of a power of two (rows × 64, …), which
     * HashMap's Integer hashes put in one bucket (it then degrades to a tree search); multiplying by an odd
     * constant is one-to-one on ints and spreads them.
     */
    private static Integer key(int n) {
        return n * 0x9E3779B1;
    }

    /** n zeros: a free array of that length, cleared, or a new one. */
    float[] zeros(int n) {
        float[] a = reuse(n);
        if (a == null) return new float[n];
        Arrays.fill(a, 0f);
        return a;
    }

    /** An array of length n holding anything, for a caller that writes all of it: a free one as it is, or a new one. */
    float[] uncleared(int n) {
        float[] a = reuse(n);
        return a == null ? new float[n] : a;
    }

    private float[] reuse(int n) {
        ArrayDeque<float[]> same = free.get(key(n));
        float[] a = same == null ? null : same.poll();
        if (a != null) freeFloats -= n;
        return a;
    }

    void giveBack(float[] a) {
        free.computeIfAbsent(key(a.length), k -> new ArrayDeque<>()).push(a);
        freeFloats += a.length;
    }

    /**
     * Called when a step that was lent {@code lentFloats} floats in all has given everything back: if the
     * free arrays hold more than twice that, most of them were not used (the shapes changed), and all go to
     * the GC; the next step allocates what it needs once.
     */
    void trim(long lentFloats) {
        if (freeFloats > 2 * lentFloats) {
            free.clear();
            freeFloats = 0;
        }
    }
}
