package dev.minitape.core;

import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>Ops also get their buffers here: {@link #outputBuffer}, {@link #outputBufferToOverwrite} and
 * {@link #gradientToOverwrite} return fresh arrays, or on a tape opened with {@link #startReusingBuffers()}
 * arrays its {@link BufferLender} lends. {@link TapeDrawing} draws what was recorded.
 */
public final class Tape implements AutoCloseable {

    /** Turns the gradient of an op's output into += updates of its inputs' gradients. */
    @FunctionalInterface
    public interface Backward {
        void apply(float[] dy);
    }

    /** One recorded op. */
    record Entry(String op, Tensor out, Tensor[] inputs, Backward backward) {}

    /** Watches backward as it replays (the explain command's --trace). */
    @FunctionalInterface
    public interface ReplayListener {
        /**
         * Called right after op number {@code index} turned its output's gradient {@code dy} into its
         * inputs' gradients (read them with {@link Tensor#grad()}; inputs that need no gradient have none).
         */
        void replayed(int index, String op, Tensor out, float[] dy, List<Tensor> inputs);
    }

    private static final ThreadLocal<Tape> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<int[]> PAUSED = ThreadLocal.withInitial(() -> new int[1]);

    private final Tape outer;
    private final Thread owner = Thread.currentThread();
    private final List<Entry> entries = new ArrayList<>();
    private boolean closed;
    private ReplayListener listener;
    /** Lends op outputs and intermediate gradients on a reusing tape; null on a plain one: fresh arrays. */
    private final BufferLender lender;

    private Tape(Tape outer, BufferLender lender) {
        this.outer = outer;
        this.lender = lender;
    }

    /** Starts recording on this thread; close the returned tape (try-with-resources) to stop. */
    public static Tape start() {
        return push(new Tape(CURRENT.get(), null));
    }

    /**
     * {@link #start()} for a training step: the outputs of recorded ops and the gradients of intermediates
     * are lent from this thread's pool of arrays, the gradients go back as soon as backward has passed them
     * on, the outputs when the tape closes. A loop whose steps repeat their shapes then allocates nothing
     * proportional to its activations after the first step. The price: no tensor computed on this tape may
     * be used after it closes (read {@code loss.item()} inside the block; reading one later throws an
     * {@link IllegalStateException} naming its op); leaves and their gradients (parameters) are not affected.
     */
    public static Tape startReusingBuffers() {
        return push(new Tape(CURRENT.get(), new BufferLender()));
    }

    private static Tape push(Tape tape) {
        CURRENT.set(tape);
        return tape;
    }

    /**
     * An array of n zeros for an op's output (or what its backward keeps) computed from {@code inputs}:
     * lent by the current tape when it reuses buffers and records this op (an input requires grad), else
     * new. Ops call this instead of {@code new float[n]}.
     */
    public static float[] outputBuffer(int n, Tensor... inputs) {
        return lend(n, true, inputs);
    }

    /**
     * {@link #outputBuffer} for an op that writes every element before it reads any: a lent array is not
     * cleared first (clearing was ~8% of a small GPT step, on the caller's thread alone).
     */
    public static float[] outputBufferToOverwrite(int n, Tensor... inputs) {
        return lend(n, false, inputs);
    }

    private static float[] lend(int n, boolean cleared, Tensor[] inputs) {
        Tape tape = recordingTape(inputs);
        return tape == null || tape.lender == null ? new float[n] : tape.lender.output(n, cleared);
    }

    /**
     * For a backward step that writes every element of {@code x}'s gradient: when no gradient has reached x
     * yet, its new gradient buffer, not cleared (lent on a reusing tape); otherwise null, and the step adds
     * into {@link Tensor#gradData()}. The step must store {@code 0f + g}, which is what adding g into zeros
     * gives (−0 becomes +0), so the bits are those of the adding path.
     */
    public static float[] gradientToOverwrite(Tensor x) {
        return x.gradDataToOverwrite();
    }

    /**
     * The gradient buffer of an intermediate recorded on this tape, lent when the tape reuses buffers: zeros,
     * or when not {@code cleared}, anything (for a step that writes all of it).
     */
    float[] gradientBuffer(int n, boolean cleared) {
        return lender == null ? new float[n] : lender.gradient(n, cleared);
    }

    /** Takes back a gradient buffer this tape lent (others are left to the GC). */
    void returnGradient(float[] g) {
        if (lender != null) lender.takeBack(g);
    }

    /**
     * Makes {@code g}, a buffer from {@link #gradientBuffer}, the gradient of {@code to}, which has none yet (an op
     * that computed its input's gradient in the forward pass hands it over instead of adding it into zeros). A
     * tensor this tape did not record (a leaf, or another tape's) keeps the buffer for good.
     */
    void handOverGradient(float[] g, Tensor to) {
        to.adoptGrad(g);
        if (lender != null && indexOf(to) < 0) lender.forget(g);
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
     * Records {@code out} as computed by {@code op} from {@code inputs} when a tape is recording and any
     * input requires grad; {@code backward} then runs during {@link Tensor#backward()} with the gradient
     * of {@code out}. Otherwise nothing is recorded. Returns {@code out} either way.
     */
    public static Tensor record(String op, Tensor out, Backward backward, Tensor... inputs) {
        Tape tape = recordingTape(inputs);
        if (tape == null) return out;
        out.recordedOn(tape, tape.entries.size(), op, tape.lender);
        tape.entries.add(new Entry(op, out, inputs, backward));
        return out;
    }

    /** The tape that records an op on {@code inputs}: the current one, if recording and an input requires grad. */
    static Tape recordingTape(Tensor... inputs) {
        Tape tape = CURRENT.get();
        if (tape == null || PAUSED.get()[0] != 0) return null;
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) return tape;
        }
        return null;
    }

    /** Calls {@code l} after each op's backward step from now on (null to stop). */
    public void onReplay(ReplayListener l) {
        this.listener = l;
    }

    /**
     * What was recorded, one line per op in order: its number, name, inputs (another op's number, or a
     * leaf) with their shapes, and the output shape, e.g. {@code #2 softmax(#1 [3]) -> [3]}.
     */
    public String describe() {
        return TapeDrawing.describe(this, entries);
    }

    /**
     * The recorded graph in Graphviz DOT: a box per op, an ellipse per leaf (gray when it needs no
     * gradient), an edge from each input to the op that read it. Render with {@code dot -Tpng}.
     */
    public String toDot() {
        return TapeDrawing.toDot(this, entries);
    }

    /** The number of the op on this tape that produced {@code t}, or −1 for a leaf or a tensor of another tape. */
    public int indexOf(Tensor t) {
        return t == null ? -1 : t.tapeIndexOn(this);
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
            if (listener != null) listener.replayed(i, e.op, e.out, dy, Arrays.asList(e.inputs));
            e.out.releaseIntermediateGrad();
        }
    }

    /** Stops recording and drops what was recorded; tensors computed on this tape can no longer backward. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        entries.clear();
        if (lender != null) lender.close();
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
