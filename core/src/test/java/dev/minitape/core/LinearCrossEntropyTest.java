package dev.minitape.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** applyLinear gives the loss and the gradients of the unfused h·Wᵀ + b followed by apply. */
class LinearCrossEntropyTest {

    private record Run(float loss, float[] dh, float[] dw, float[] db) {}

    private static Run run(Tensor h0, Tensor w0, Tensor b0, boolean fused, CrossEntropy ce, int[] targets, Tensor upstream) {
        Tensor h = h0.detach().requiresGrad(true), w = w0.detach().requiresGrad(true);
        Tensor b = b0 == null ? null : b0.detach().requiresGrad(true);
        float value;
        try (Tape tape = Tape.start()) {
            Tensor loss;
            if (fused) {
                loss = ce.applyLinear(h, w, b, targets);
            } else {
                Tensor z = h.matmul(w.transpose(0, 1));
                loss = ce.apply(b == null ? z : z.add(b), targets);
            }
            if (upstream != null) loss = loss.mul(upstream).sum();   // NONE: a non-uniform upstream gradient
            value = loss.item();
            loss.backward();
        }
        return new Run(value, h.grad().toArray(), w.grad().toArray(), b == null ? null : b.grad().toArray());
    }

    private static void assertSame(Run ref, Run got, String what) {
        assertEquals(ref.loss, got.loss, 1e-5 * Math.max(1, Math.abs(ref.loss)), what + " loss");
        assertArrayEquals(ref.dh, got.dh, 1e-5f, what + " dh");
        assertArrayEquals(ref.dw, got.dw, 1e-5f, what + " dW");
        if (ref.db != null) assertArrayEquals(ref.db, got.db, 1e-5f, what + " db");
    }

    @Test
    void matchesTheUnfusedPathForEveryReductionAndOption() {
        Rng rng = new Rng(31);
        int b = 3, t = 4, c = 5, v = 7;
        Tensor h = Tensor.randn(rng, b, t, c), w = Tensor.randn(rng, v, c), bias = Tensor.randn(rng, v);
        int[] targets = {0, 6, -100, 2, 3, 3, 1, -100, 5, 4, 0, 6};
        for (Reduction reduction : Reduction.values()) {
            CrossEntropy ce = CrossEntropy.builder().reduction(reduction).labelSmoothing(0.1)
                    .classWeights(new float[] {1, 2, 0.5f, 1, 1, 3, 0.2f}).zLoss(1e-3).build();
            Tensor upstream = reduction == Reduction.NONE ? Tensor.randn(rng, b, t) : null;
            assertSame(run(h, w, bias, false, ce, targets, upstream), run(h, w, bias, true, ce, targets, upstream),
                    reduction.toString());
            assertSame(run(h, w, null, false, ce, targets, upstream), run(h, w, null, true, ce, targets, upstream),
                    reduction + " without bias");
        }
    }

    @Test
    void matchesAcrossSeveralChunks() {
        // 1000 rows × 5000 classes is more than one 4 Mi-float chunk: the last chunk is partial.
        Rng rng = new Rng(32);
        int n = 1000, c = 8, v = 5000;
        Tensor h = Tensor.randn(rng, n, c), w = Tensor.randn(rng, v, c).mul(0.3f), bias = Tensor.randn(rng, v);
        int[] targets = new int[n];
        for (int r = 0; r < n; r++) targets[r] = rng.nextInt(v);
        CrossEntropy ce = CrossEntropy.builder().build();
        assertSame(run(h, w, bias, false, ce, targets, null), run(h, w, bias, true, ce, targets, null), "chunked");
        // without a bias each chunk's logits start from zeros, not from the last chunk's logits: the per-row losses
        // on both sides of the first chunk's end (838 rows of 5000 classes), against the unfused path on those rows
        CrossEntropy none = CrossEntropy.builder().reduction(Reduction.NONE).build();
        float[] fused = none.applyLinear(h, w, null, targets).toArray();
        int from = (1 << 22) / v - 5;
        Tensor tail = Tensor.of(java.util.Arrays.copyOfRange(h.toArray(), from * c, n * c), n - from, c);
        float[] unfused = none.apply(tail.matmul(w.transpose(0, 1)), java.util.Arrays.copyOfRange(targets, from, n)).toArray();
        assertArrayEquals(unfused, java.util.Arrays.copyOfRange(fused, from, n), 1e-4f, "chunked without bias");
    }

    @Test
    void eachInputThatRequiresAGradientGetsItsOwnAloneAndTheOthersNone() {
        // frozen features, a frozen output layer, or a bias alone being trained
        Rng rng = new Rng(34);
        Tensor h0 = Tensor.randn(rng, 5, 4), w0 = Tensor.randn(rng, 6, 4), b0 = Tensor.randn(rng, 6);
        int[] targets = {0, 5, -100, 2, 3};
        CrossEntropy ce = CrossEntropy.builder().labelSmoothing(0.1).build();
        Run all = run(h0, w0, b0, false, ce, targets, null);
        String[] names = {"hidden", "weight", "bias"};
        for (int which = 0; which < 3; which++) {
            Tensor[] in = {h0.detach().requiresGrad(which == 0), w0.detach().requiresGrad(which == 1),
                b0.detach().requiresGrad(which == 2)};
            try (Tape tape = Tape.start()) {
                Tensor loss = ce.applyLinear(in[0], in[1], in[2], targets);
                assertEquals(all.loss, loss.item(), 1e-5, names[which]);
                loss.backward();
            }
            float[][] want = {all.dh, all.dw, all.db};
            for (int k = 0; k < 3; k++) {
                if (k == which) assertArrayEquals(want[k], in[k].grad().toArray(), 1e-5f, names[which]);
                else assertNull(in[k].grad(), names[k] + " while only " + names[which] + " requires a gradient");
            }
        }
        // nothing to train and no bias, on a recording tape: the loss alone
        try (Tape tape = Tape.start()) {
            float fused = ce.applyLinear(h0.detach(), w0.detach(), null, targets).item();
            assertEquals(ce.apply(h0.matmul(w0.transpose(0, 1)), targets).item(), fused, 1e-5);
        }
    }

    @Test
    void diagnosticsMatchTheUnfusedOnes() {
        Rng rng = new Rng(33);
        Tensor h = Tensor.randn(rng, 6, 4), w = Tensor.randn(rng, 5, 4);
        int[] targets = {0, 1, 2, 3, 4, -100};
        CrossEntropy ce = CrossEntropy.builder().build();
        CrossEntropy.Output fused = ce.evaluateLinear(h, w, null, targets);
        CrossEntropy.Output plain = ce.evaluate(h.matmul(w.transpose(0, 1)), targets);
        assertEquals(plain.tokens(), fused.tokens());
        assertEquals(plain.accuracy(), fused.accuracy(), 0.0);
        assertEquals(plain.meanLogSumExp(), fused.meanLogSumExp(), 1e-6);
    }

    @Test
    void shapesThatDoNotFitAreExplained() {
        CrossEntropy ce = CrossEntropy.builder().build();
        var e = assertThrows(IllegalArgumentException.class,
                () -> ce.applyLinear(Tensor.zeros(2, 3), Tensor.zeros(5, 4), null, new int[] {0, 1}));
        assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ce.applyLinear(Tensor.zeros(2, 3), Tensor.zeros(5, 3), Tensor.zeros(4), new int[] {0, 1}));
        assertTrue(e.getMessage().contains("bias of shape [4]"), e.getMessage());
    }
}
