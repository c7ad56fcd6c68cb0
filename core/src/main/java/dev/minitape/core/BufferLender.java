package dev.minitape.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The arrays one reusing tape ({@link Tape#startReusingBuffers()}) lends from its thread's {@link BufferPool}:
 * op outputs, taken back when the tape closes, and intermediates' gradients, taken back as soon as backward
 * has passed them on (or at close). Tensors recorded on the tape point here, so that once it has closed
 * reading them fails instead of returning an array that now belongs to someone else.
 */
final class BufferLender {
    private final BufferPool pool = BufferPool.ofThisThread();
    private final List<float[]> outputs = new ArrayList<>();
    private final Set<float[]> gradients = Collections.newSetFromMap(new IdentityHashMap<>());
    private long lentFloats;
    private boolean closed;

    /** An op's output: n zeros, or when not {@code cleared}, n floats holding anything. */
    float[] output(int n, boolean cleared) {
        float[] a = borrow(n, cleared);
        outputs.add(a);
        return a;
    }

    /** An intermediate's gradient buffer, as {@link #output}; comes back through {@link #takeBack}. */
    float[] gradient(int n, boolean cleared) {
        float[] g = borrow(n, cleared);
        gradients.add(g);
        return g;
    }

    private float[] borrow(int n, boolean cleared) {
        lentFloats += n;
        return cleared ? pool.zeros(n) : pool.uncleared(n);
    }

    /** Takes back a gradient buffer this lender lent (others are left to the GC). */
    void takeBack(float[] g) {
        if (gradients.remove(g)) pool.giveBack(g);
    }

    /** Gives up a lent gradient buffer for good: it became the gradient of a tensor that outlives the tape. */
    void forget(float[] g) {
        gradients.remove(g);
    }

    /** Takes back everything still lent; from now on the tensors made from it must not be read. */
    void close() {
        closed = true;
        outputs.forEach(pool::giveBack);
        gradients.forEach(pool::giveBack);
        outputs.clear();
        gradients.clear();
        pool.trim(lentFloats);
    }

    boolean isClosed() {
        return closed;
    }
}
