package dev.minitape.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
