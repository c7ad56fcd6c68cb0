package dev.minitape.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The record of a forward pass. Ops on tensors that require grad append one entry each (their output,
 * their inputs and a closure that turns the output's gradient into the inputs'); {@link Tensor#backward()}
 * replays the entries in reverse. A tape is a try-with-resources scope bound to the current thread:
 * <pre>{@code
 * try (Tape tape = Tape.start()) {
 *     Tensor loss = model(x).mean();
 *     loss.backward();
 * }   // closing drops the recorded closures and the activations they hold
 * }</pre>
 * Tapes nest: an inner tape records until it closes, then the outer one records again.
 */
public final class Tape implements AutoCloseable {

    /** Turns the gradient of an op's output into += updates of its inputs' gradients. */
    @FunctionalInterface
    public interface Backward {
        void apply(float[] dy);
    }

    private record Entry(Tensor out, Backward backward) {}

    private static final ThreadLocal<Tape> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<int[]> PAUSED = ThreadLocal.withInitial(() -> new int[1]);

    private final Tape outer;
    private final Thread owner = Thread.currentThread();
    private final List<Entry> entries = new ArrayList<>();
    private boolean closed;

    private Tape(Tape outer) {
        this.outer = outer;
    }

    /** Starts recording on this thread; close the returned tape (try-with-resources) to stop. */
    public static Tape start() {
        Tape tape = new Tape(CURRENT.get());
        CURRENT.set(tape);
        return tape;
    }

    /** Pauses recording on this thread until the returned scope closes (evaluation, sampling, updates). */
    public static NoGrad noGrad() {
        PAUSED.get()[0]++;
        return new NoGrad();
    }

    /** True while ops on this thread are being recorded: a tape is open and not paused by {@link #noGrad()}. */
    public static boolean isRecording() {
        return CURRENT.get() != null && PAUSED.get()[0] == 0;
    }

    /**
     * Records {@code out} as computed from {@code inputs} when a tape is recording and any input requires
     * grad; {@code backward} then runs during {@link Tensor#backward()} with the gradient of {@code out}.
     * Otherwise nothing is recorded. Returns {@code out} either way.
     */
    public static Tensor record(Tensor out, Backward backward, Tensor... inputs) {
        Tape tape = CURRENT.get();
        if (tape == null || PAUSED.get()[0] != 0) return out;
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                out.recordedOn(tape, tape.entries.size());
                tape.entries.add(new Entry(out, backward));
                return out;
            }
        }
        return out;
    }

    /** Number of ops recorded so far. */
    public int size() {
        return entries.size();
    }

    /** Replays entries {@code last} down to 0; {@code loss}'s gradient has been seeded by the caller. */
    void replay(Tensor loss, int last) {
        if (closed) {
            throw new IllegalStateException("backward(): the Tape that recorded this tensor is closed; "
                    + "call backward() inside the try (Tape tape = Tape.start()) block that computed it");
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("backward(): called on thread " + Thread.currentThread().getName()
                    + " but the tape belongs to " + owner.getName());
        }
        for (int i = last; i >= 0; i--) {
            Entry e = entries.get(i);
            float[] dy = e.out.gradIfPresent();
            if (dy == null) continue;              // nothing flows back through this op
            e.backward.apply(dy);
            e.out.releaseIntermediateGrad();
        }
    }

    /** Stops recording and drops what was recorded; tensors computed on this tape can no longer backward. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        entries.clear();
        if (CURRENT.get() == this) {
            CURRENT.set(outer);
        } else if (Thread.currentThread() == owner) {
            throw new IllegalStateException("Tape closed out of order: close inner tapes before outer ones");
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** The scope returned by {@link Tape#noGrad()}. */
    public static final class NoGrad implements AutoCloseable {
        private boolean open = true;

        private NoGrad() {}

        @Override
        public void close() {
            if (open) {
                open = false;
                PAUSED.get()[0]--;
            }
        }
    }
}
