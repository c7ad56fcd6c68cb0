package dev.minitape.core;

import dev.minitape.core.ops.Arithmetic;
import dev.minitape.core.ops.Dropout;
import dev.minitape.core.ops.Index;
import dev.minitape.core.ops.Linalg;
import dev.minitape.core.ops.Pointwise;
import dev.minitape.core.ops.Reduce;
import dev.minitape.core.ops.Reshape;
import dev.minitape.core.ops.Softmax;
import java.util.Arrays;

/**
 * A float32 tensor: a contiguous row-major {@code float[]} and a shape. Tensors are values: ops return
 * new tensors and never change their inputs. A tensor that {@link #requiresGrad()} and was computed
 * while a {@link Tape} was recording can {@link #backward()}; leaves that require grad collect their
 * gradient in {@link #grad()}.
 */
public class Tensor {
    private final float[] data;
    private final int[] shape;
    private boolean requiresGrad;
    private boolean retainGrad;
    private float[] grad;
    private Tape tape;        // the tape that recorded the op producing this tensor; null for leaves
    private int tapeIndex;
    private String op;        // that op's name
    /** The reusing tape's lender this tensor's arrays may come from; null when they are its own. */
    private BufferLender lentBy;

    /** Wraps {@code data} (no copy) as a tensor of the given shape; ops use it for their fresh outputs. */
    public Tensor(float[] data, int... shape) {
        int n = Shape.numel(shape);
        if (data.length != n) {
            throw new IllegalArgumentException("Tensor: " + data.length + " values do not fill shape "
                    + Shape.str(shape) + " (" + n + " elements)");
        }
        this.data = data;
        this.shape = shape.clone();
    }

    // ---- factories -----------------------------------------------------------------------------------

    /** A copy of {@code data} read row-major into {@code shape}; no shape means a 1-D tensor. */
    public static Tensor of(float[] data, int... shape) {
        return new Tensor(data.clone(), shape.length == 0 ? new int[] {data.length} : shape);
    }

    /** A 0-dim tensor holding one value. */
    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value});
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shape.numel(shape)], shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        Arrays.fill(d, value);
        return new Tensor(d, shape);
    }

    /** 0, 1, ..., n-1 as a 1-D tensor. */
    public static Tensor arange(int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return new Tensor(d, n);
    }

    /** Standard normal samples from {@code rng}. */
    public static Tensor randn(Rng rng, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return new Tensor(d, shape);
    }

    /** Uniform samples in [0, 1) from {@code rng}. */
    public static Tensor rand(Rng rng, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextFloat();
        return new Tensor(d, shape);
    }

    // ---- shape and values ----------------------------------------------------------------------------

    public int[] shape() {
        return shape.clone();
    }

    public int dim() {
        return shape.length;
    }

    /** Size along {@code d}; negative counts from the end. */
    public int size(int d) {
        return shape[Shape.dim("size", d, shape.length)];
    }

    public int numel() {
        return data.length;
    }

    /** The live backing array, for ops and kernels. Do not change a tensor that a tape has recorded. */
    public float[] data() {
        checkNotRecycled();
        return data;
    }

    /** A copy of the values, row-major. */
    public float[] toArray() {
        return data().clone();
    }

    /** The value of a one-element tensor. */
    public float item() {
        checkNotRecycled();
        if (data.length != 1) {
            throw new IllegalArgumentException("item(): tensor of shape " + Shape.str(shape)
                    + " has " + data.length + " elements, expected exactly 1");
        }
        return data[0];
    }

    /** The value at a full index. */
    public float get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: index " + Arrays.toString(index) + " does not have rank "
                    + shape.length + " of shape " + Shape.str(shape));
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IllegalArgumentException("get: index " + Arrays.toString(index) + " is out of bounds for shape "
                        + Shape.str(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return data()[flat];
    }

    // ---- autograd ------------------------------------------------------------------------------------

    /** Marks this tensor as a leaf whose gradient is wanted (or not); returns this tensor. */
    public Tensor requiresGrad(boolean wanted) {
        if (tape != null && !wanted) {
            throw new IllegalStateException("requiresGrad(false): this tensor was computed on a tape; "
                    + "use detach() to get a copy that does not track gradients");
        }
        this.requiresGrad = wanted;
        return this;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** True for tensors not produced by a recorded op: user data and parameters. */
    public boolean isLeaf() {
        return tape == null;
    }

    /** Keeps this intermediate's gradient after backward (leaves always keep theirs); returns this. */
    public Tensor retainGrad() {
        this.retainGrad = true;
        return this;
    }

    /** The accumulated gradient, sharing its buffer, or null if none has flowed here yet. */
    public Tensor grad() {
        checkNotRecycled();
        return grad == null ? null : new Tensor(grad, shape);
    }

    /** The gradient buffer, allocated as zeros on first use; backward closures add into it. */
    public float[] gradData() {
        checkNotRecycled();
        if (grad == null) grad = tape != null ? tape.gradientBuffer(data.length, true) : new float[data.length];
        return grad;
    }

    /** {@link Tape#gradientToOverwrite}: a new gradient buffer, not cleared, or null when the gradient exists. */
    float[] gradDataToOverwrite() {
        checkNotRecycled();
        if (grad != null) return null;
        grad = tape != null ? tape.gradientBuffer(data.length, false) : new float[data.length];
        return grad;
    }

    /** Sets the gradient to zero (keeping its buffer). */
    public void zeroGrad() {
        checkNotRecycled();
        if (grad != null) Arrays.fill(grad, 0f);
    }

    /** The same values, not tracked by any tape and not requiring grad (a copy). */
    public Tensor detach() {
        return new Tensor(toArray(), shape);
    }

    /**
     * Back-propagates from this scalar: replays the tape that recorded it in reverse and adds each
     * gradient into the leaves that require grad (a second call adds again, as in PyTorch).
     */
    public void backward() {
        if (tape == null && Tape.isRecording()) {
            // a tape is open, but ops record only when an input requires a gradient
            throw new IllegalStateException("backward(): no op was recorded for this tensor although a Tape is open: "
                    + "nothing it was computed from requires a gradient (or it was computed under Tape.noGrad()). Mark "
                    + "the tensors you want gradients for with requiresGrad(true) before computing it");
        }
        if (tape == null) {
            throw new IllegalStateException("backward(): this tensor was not recorded on a tape. Compute it inside "
                    + "try (Tape tape = Tape.start()) { ... } from tensors marked requiresGrad(true)");
        }
        if (data.length != 1) {
            throw new IllegalStateException("backward(): the loss must be a scalar, got shape " + Shape.str(shape)
                    + "; reduce it first with sum() or mean()");
        }
        if (tape.isClosed()) {
            throw new IllegalStateException("backward(): the Tape that recorded this tensor is closed; "
                    + "call backward() inside the try (Tape tape = Tape.start()) block that computed it");
        }
        gradData()[0] += 1f;
        tape.replay(this, tapeIndex);
    }

    void recordedOn(Tape t, int index, String op, BufferLender lender) {
        this.tape = t;
        this.tapeIndex = index;
        this.op = op;
        this.lentBy = lender;
        this.requiresGrad = true;
    }

    /** The one check on every read of values or gradient: cheap when it passes (a field read and a compare). */
    private void checkNotRecycled() {
        if (lentBy != null && lentBy.isClosed()) throw recycled();
    }

    private IllegalStateException recycled() {
        return new IllegalStateException("tensor from op '" + op + "' was computed on a reusing tape "
                + "(Tape.startReusingBuffers) that has closed; its buffer has been recycled: copy what you need "
                + "with toArray() before the tape closes");
    }

    /** This tensor's op number on {@code t}, or −1 when {@code t} did not record it. */
    int tapeIndexOn(Tape t) {
        return tape == t ? tapeIndex : -1;
    }

    float[] gradIfPresent() {
        return grad;
    }

    /** Takes {@code buffer} (this tensor's size) as the gradient, which must not exist yet ({@link Tape#handOverGradient}). */
    void adoptGrad(float[] buffer) {
        if (grad != null || buffer.length != data.length) {
            throw new IllegalStateException("adoptGrad: the gradient exists already or the buffer has the wrong size");
        }
        grad = buffer;
    }

    /** Frees an intermediate's gradient once it has flowed to the inputs (PyTorch keeps only leaves'). */
    void releaseIntermediateGrad() {
        if (retainGrad || grad == null) return;
        tape.returnGradient(grad);
        grad = null;
    }

    // ---- ops: each with its formula; shapes and edge cases where it is defined (dev.minitape.core.ops) ----

    /** a + b elementwise, broadcasting like NumPy; ∂/∂a = ∂/∂b = 1 (summed over broadcast dims). */
    public Tensor add(Tensor o) { return Arithmetic.add(this, o); }
    /** a − b elementwise, broadcasting; ∂/∂a = 1, ∂/∂b = −1 (summed over broadcast dims). */
    public Tensor sub(Tensor o) { return Arithmetic.sub(this, o); }
    /** a·b elementwise, broadcasting; ∂/∂a = b, ∂/∂b = a (summed over broadcast dims). */
    public Tensor mul(Tensor o) { return Arithmetic.mul(this, o); }
    /** a / b elementwise, broadcasting; ∂/∂a = 1/b, ∂/∂b = −a/b² (summed over broadcast dims). */
    public Tensor div(Tensor o) { return Arithmetic.div(this, o); }
    /** x + c; ∂/∂x = 1. */
    public Tensor add(float c) { return Arithmetic.addScalar(this, c); }
    /** x − c; ∂/∂x = 1. */
    public Tensor sub(float c) { return Arithmetic.addScalar(this, -c); }
    /** c·x; ∂/∂x = c. */
    public Tensor mul(float c) { return Arithmetic.mulScalar(this, c); }
    /** x / c, computed as x·(1/c); ∂/∂x = 1/c. */
    public Tensor div(float c) { return Arithmetic.mulScalar(this, 1f / c); }
    /** −x; ∂/∂x = −1. */
    public Tensor neg() { return Arithmetic.mulScalar(this, -1f); }
    /** xᵉ elementwise; ∂/∂x = e·xᵉ⁻¹. */
    public Tensor pow(float exponent) { return Arithmetic.pow(this, exponent); }

    /** eˣ elementwise; ∂/∂x = eˣ. */
    public Tensor exp() { return Pointwise.exp(this); }
    /** ln x elementwise; ∂/∂x = 1/x. */
    public Tensor log() { return Pointwise.log(this); }
    /** √x elementwise; ∂/∂x = 1/(2√x). */
    public Tensor sqrt() { return Pointwise.sqrt(this); }
    /** tanh x elementwise; ∂/∂x = 1 − tanh²x. */
    public Tensor tanh() { return Pointwise.tanh(this); }
    /** σ(x) = 1/(1 + e⁻ˣ) elementwise; ∂/∂x = σ(x)·(1 − σ(x)). */
    public Tensor sigmoid() { return Pointwise.sigmoid(this); }
    /** max(x, 0) elementwise; ∂/∂x = 1 where x > 0, else 0. */
    public Tensor relu() { return Pointwise.relu(this); }
    /** ½x·(1 + tanh(√(2/π)·(x + 0.044715x³))) elementwise: GPT-2's tanh GELU (PyTorch's approximate='tanh'). */
    public Tensor gelu() { return Pointwise.gelu(this); }

    /** Σᵢ xᵢ over every element, a scalar; ∂/∂xᵢ = 1. */
    public Tensor sum() { return Reduce.sum(this); }
    /** Σ along dim (kept with size 1 when keepDim); ∂/∂x = 1. */
    public Tensor sum(int dim, boolean keepDim) { return Reduce.sum(this, dim, keepDim); }
    /** (1/n)·Σᵢ xᵢ over all n elements, a scalar; ∂/∂xᵢ = 1/n. */
    public Tensor mean() { return Reduce.mean(this); }
    /** (1/D)·Σ along dim of size D (kept with size 1 when keepDim); ∂/∂x = 1/D. */
    public Tensor mean(int dim, boolean keepDim) { return Reduce.mean(this, dim, keepDim); }
    /** maxᵢ xᵢ, a scalar; ∂/∂xᵢ = 1/(number of ties) where xᵢ is the maximum, else 0 (as PyTorch). */
    public Tensor max() { return Reduce.max(this); }
    /** max along dim; ∂/∂x = 1 at the first maximum, else 0 (as PyTorch's max(dim)). */
    public Tensor max(int dim, boolean keepDim) { return Reduce.max(this, dim, keepDim); }

    /** The same values in a new shape (one size may be −1, inferred), sharing the data; ∂ flows back reshaped. */
    public Tensor reshape(int... newShape) { return Reshape.reshape(this, newShape); }
    /** y = x with dims d0 and d1 swapped (a copy); ∂ flows back swapped again. */
    public Tensor transpose(int d0, int d1) { return Reshape.transpose(this, d0, d1); }
    /** y's dim i is x's dim order[i] (a copy); ∂ flows back through the inverse permutation. */
    public Tensor permute(int... order) { return Reshape.permute(this, order); }
    /** x[..., start:end, ...] along dim (a copy); ∂/∂x = 1 inside the slice, 0 outside. */
    public Tensor slice(int dim, int start, int end) { return Reshape.slice(this, dim, start, end); }
    /** The parts joined along dim (other sizes equal); each part's ∂ is its slice of dy. */
    public static Tensor concat(int dim, Tensor... parts) { return Reshape.concat(dim, parts); }

    /** a·b over the last two dims, (…, m, k)·(…, k, n) → (…, m, n), batch dims broadcasting; dA = dy·bᵀ, dB = aᵀ·dy. */
    public Tensor matmul(Tensor o) { return Linalg.matmul(this, o); }

    /** yᵢ = e^(xᵢ) / Σⱼ e^(xⱼ) along dim (the max subtracted first); dx = y ⊙ (dy − Σ dy⊙y). */
    public Tensor softmax(int dim) { return Softmax.softmax(this, dim); }
    /** yᵢ = xᵢ − ln Σⱼ e^(xⱼ) along dim (log-sum-exp, the max subtracted first); dx = dy − softmax(x)·Σ dy. */
    public Tensor logSoftmax(int dim) { return Softmax.logSoftmax(this, dim); }

    /** PyTorch's gather: y[o, j, i] = x[o, index[o, j, i], i], x viewed as (outer, dim, inner); ∂ is scatter-added back. */
    public Tensor gather(int dim, int[] index) { return Index.gather(this, dim, index); }
    /** y[o, j, i] = x[o, index[j], i], x viewed as (outer, dim, inner): along 0, an embedding lookup; ∂ is scatter-added back. */
    public Tensor indexSelect(int dim, int[] index) { return Index.indexSelect(this, dim, index); }
    /** value where mask ≠ 0, else x (mask broadcasts to x's shape); ∂/∂x = 1 where mask = 0, else 0. */
    public Tensor maskedFill(Tensor mask, float value) { return Index.maskedFill(this, mask, value); }

    /** Inverted dropout: y = x·m, m = 0 with probability p, else 1/(1 − p); ∂/∂x = m. */
    public Tensor dropout(float p, Rng rng) { return Dropout.dropout(this, p, rng); }

    // ---- printing ------------------------------------------------------------------------------------

    @Override
    public String toString() {
        checkNotRecycled();
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape));
        if (requiresGrad) sb.append(" requiresGrad");
        sb.append(' ');
        int shown = Math.min(data.length, 8);
        sb.append('[');
        for (int i = 0; i < shown; i++) {
            if (i > 0) sb.append(", ");
            sb.append(data[i]);
        }
        if (shown < data.length) sb.append(", ... (").append(data.length).append(" values)");
        return sb.append(']').toString();
    }
}
