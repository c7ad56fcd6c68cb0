package dev.minitape.core;

import dev.minitape.core.kernels.CrossEntropyKernel;
import dev.minitape.core.kernels.CrossEntropyKernel.Targets;
import dev.minitape.core.kernels.Matmul;
import java.util.Arrays;

/**
 * Cross-entropy of a linear output layer, z = h·Wᵀ + b, computed a chunk of rows at a time so the full
 * (N, V) logits and their gradient never exist at once. For each chunk of R rows:
 * <pre>
 *   z  = h_chunk·Wᵀ + b                    (R × V, one reusable buffer)
 *   g  = s·(A·softmax(z) − a)              (the cross-entropy kernel, in place over z)
 *   dh_chunk = g·W      dW += gᵀ·h_chunk      db += Σ_rows g
 * </pre>
 * For scalar reductions the gradients are computed in the forward pass for dL = 1 and scaled by the
 * upstream gradient in backward; for NONE, backward runs the chunks again with each row's scale set to
 * its upstream gradient. Peak extra memory: R·V floats for the buffer, plus the gradients of h, W, b.
 */
final class LinearCrossEntropy {
    /** Rows per chunk: about 4 Mi floats (16 MiB) of logits at a time, at least 1 row. */
    private static final int CHUNK_FLOATS = 1 << 22;

    private LinearCrossEntropy() {}

    /** Gradients for dL = 1 (any of them may be null when not wanted). */
    private record Grads(float[] dh, float[] dw, float[] db) {}

    static CrossEntropy.Output apply(Tensor hidden, Tensor weight, Tensor bias, Targets targets, float[] scale,
                                     boolean perRow, int n, int v, int[] lossShape) {
        int c = weight.size(1);
        float[] loss = new float[n], lse = new float[n];
        int[] argmax = new int[n];
        boolean recording = Tape.isRecording()
                && (hidden.requiresGrad() || weight.requiresGrad() || bias != null && bias.requiresGrad());
        Grads grads = recording && !perRow ? newGrads(hidden, weight, bias, n, v, c) : null;
        sweep(hidden, weight, bias, targets, scale, grads, loss, lse, argmax, n, v, c);

        Tensor out;
        if (perRow) {
            out = new Tensor(loss, lossShape);
        } else {
            double total = 0;
            for (int r = 0; r < n; r++) total += (double) scale[r] * loss[r];
            out = new Tensor(new float[] {(float) total});
        }
        out = Tape.record("linearCrossEntropy", out, dy -> {
            Grads g = grads;
            float d = 1f;
            if (perRow) {
                // NONE: each row's gradient is scaled by its own upstream gradient; run the chunks again.
                g = newGrads(hidden, weight, bias, n, v, c);
                float[] rowScale = new float[n];
                for (int r = 0; r < n; r++) rowScale[r] = scale[r] * dy[r];
                sweep(hidden, weight, bias, targets, rowScale, g, new float[n], new float[n], new int[n], n, v, c);
            } else {
                d = dy[0];
            }
            addScaled(hidden, g.dh, d);
            addScaled(weight, g.dw, d);
            if (bias != null) addScaled(bias, g.db, d);
        }, hidden, weight, bias);
        return CrossEntropy.diagnostics(out, targets, lse, argmax, n, v);
    }

    private static Grads newGrads(Tensor hidden, Tensor weight, Tensor bias, int n, int v, int c) {
        return new Grads(hidden.requiresGrad() ? new float[n * c] : null, weight.requiresGrad() ? new float[v * c] : null,
                bias != null && bias.requiresGrad() ? new float[v] : null);
    }

    private static void addScaled(Tensor t, float[] g, float d) {
        if (g == null) return;
        float[] dt = t.gradData();
        for (int i = 0; i < g.length; i++) dt[i] += d * g[i];
    }

    /** Runs every chunk: loss, lse and argmax for all rows, and the gradients when grads is not null. */
    private static void sweep(Tensor hidden, Tensor weight, Tensor bias, Targets t, float[] scale, Grads grads,
                              float[] loss, float[] lse, int[] argmax, int n, int v, int c) {
        int chunk = Math.max(1, Math.min(n, CHUNK_FLOATS / Math.max(1, v)));
        float[] z = new float[chunk * v];
        float[] h = hidden.data(), w = weight.data(), b = bias == null ? null : bias.data();
        for (int from = 0; from < n; from += chunk) {
            int rows = Math.min(chunk, n - from);
            // z = h_chunk·Wᵀ + b
            if (b == null) Arrays.fill(z, 0, rows * v, 0f);
            else for (int r = 0; r < rows; r++) System.arraycopy(b, 0, z, r * v, v);
            Matmul.nt(z, 0, h, from * c, w, 0, rows, c, v);
            Targets part = new Targets(Arrays.copyOfRange(t.targets(), from, from + rows), null, t.weights(),
                    t.smoothing(), t.ignoreIndex(), t.zLoss());
            float[] rowLoss = new float[rows], rowLse = new float[rows];
            int[] rowArgmax = new int[rows];
            float[] g = grads == null ? null : z;          // the gradient replaces the logits in place
            CrossEntropyKernel.rows(rowLoss, rowLse, rowArgmax, g, z, part, Arrays.copyOfRange(scale, from, from + rows), rows, v);
            System.arraycopy(rowLoss, 0, loss, from, rows);
            System.arraycopy(rowLse, 0, lse, from, rows);
            System.arraycopy(rowArgmax, 0, argmax, from, rows);
            if (grads == null) continue;
            // dh_chunk += g·W      dW += gᵀ·h_chunk      db += Σ_rows g
            if (grads.dh != null) Matmul.nn(grads.dh, from * c, z, 0, w, 0, rows, v, c);
            if (grads.dw != null) Matmul.tn(grads.dw, 0, z, 0, h, from * c, v, rows, c);
            if (grads.db != null) {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < v; j++) grads.db[j] += z[r * v + j];
                }
            }
        }
    }
}
