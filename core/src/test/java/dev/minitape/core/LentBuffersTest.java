package dev.minitape.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.ops.Linalg;
import dev.minitape.core.ops.Norm;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ops that write a whole output or a first gradient take lent arrays uncleared: their results must be the
 * bits a fresh tape gives, whatever the arrays held before. Once the tape has taken its arrays back, what was
 * computed on it cannot be read; what was not (leaves, parameters, their gradients) can.
 */
class LentBuffersTest {

    /** A pre-LayerNorm MLP block's ops: layerNorm, linear with and without bias, gelu, residual add. */
    private static Tensor block(Tensor x, Tensor g, Tensor b, Tensor w1, Tensor b1, Tensor w2) {
        Tensor h = Linalg.linear(Norm.layerNorm(x, g, b, 1e-5f), w1, b1).gelu();
        return x.add(Linalg.linear(h, w2, null)).mul(x).sum();
    }

    private static Tensor leaf(Rng rng, int... shape) {
        return Tensor.randn(rng, shape).requiresGrad(true);
    }

    @Test
    void aReusingTapeGivesAFreshTapesBitsOverDirtyBuffers() {
        Rng rng = new Rng(3);
        Tensor x = leaf(rng, 5, 8), g = leaf(rng, 8), b = leaf(rng, 8), w1 = leaf(rng, 12, 8), b1 = leaf(rng, 12),
                w2 = leaf(rng, 8, 12), other = Tensor.randn(rng, 5, 8).mul(40f).requiresGrad(true);
        List<Tensor> params = List.of(x, g, b, w1, b1, w2);
        float expectedLoss;
        try (Tape tape = Tape.start()) {
            Tensor loss = block(x, g, b, w1, b1, w2);
            expectedLoss = loss.item();
            loss.backward();
        }
        List<float[]> expected = params.stream().map(p -> p.grad().toArray()).toList();
        for (int step = 0; step < 3; step++) {
            try (Tape tape = Tape.startReusingBuffers()) {     // leaves other values in the arrays it lends
                block(other, g, b, w1, b1, w2).backward();
            }
            params.forEach(Tensor::zeroGrad);
            try (Tape tape = Tape.startReusingBuffers()) {
                Tensor loss = block(x, g, b, w1, b1, w2);
                assertEquals(Float.floatToRawIntBits(expectedLoss), Float.floatToRawIntBits(loss.item()));
                loss.backward();
            }
            for (int i = 0; i < params.size(); i++) assertArrayEquals(expected.get(i), params.get(i).grad().toArray());
        }
    }

    @Test
    void aWrittenFirstGradientIsPlusZeroWhereAddingIntoZerosGivesIt() {
        // gelu'(x) < 0 at x = −1, times dy = +0 from mul(0): −0, which added into zeros is +0
        Tensor x = Tensor.of(new float[] {-1f, 2f}).requiresGrad(true);
        try (Tape tape = Tape.startReusingBuffers()) {
            Tensor a = x.mul(1f).retainGrad();
            a.gelu().mul(0f).sum().backward();
            for (float v : a.grad().toArray()) assertEquals(0, Float.floatToRawIntBits(v), "+0, not −0");
        }
    }

    @Test
    void aTensorComputedOnAClosedReusingTapeCannotBeReadAndNamesItsOp() {
        Rng rng = new Rng(5);
        Tensor x = leaf(rng, 3, 4), w = leaf(rng, 4, 2);
        Tensor product, loss;
        try (Tape tape = Tape.startReusingBuffers()) {
            product = x.matmul(w).retainGrad();
            loss = product.sum();
            loss.backward();
            assertEquals(6, product.toArray().length, "readable while the tape is open");
        }
        for (Runnable read : List.<Runnable>of(product::data, product::toArray, product::grad, product::gradData,
                product::zeroGrad, product::detach, () -> product.get(0, 0), () -> product.matmul(w.transpose(0, 1)))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, read::run);
            assertTrue(e.getMessage().startsWith("tensor from op 'matmul' was computed on a reusing tape"), e.getMessage());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::item);
        assertTrue(e.getMessage().contains("'sum'") && e.getMessage().contains("toArray() before the tape closes"),
                e.getMessage());
        assertArrayEquals(new int[] {3, 2}, product.shape(), "the shape is not a buffer: still readable");
    }

    @Test
    void leavesTheirGradientsAndOtherTapesResultsStayReadableAfterAReusingTapeCloses() {
        Tensor w = Tensor.of(new float[] {1f, -2f}).requiresGrad(true), constant = Tensor.of(new float[] {3f, 4f});
        Tensor notRecorded;
        try (Tape tape = Tape.startReusingBuffers()) {
            notRecorded = constant.mul(2f);                       // no input requires grad: not recorded, not lent
            w.mul(constant).sum().backward();
        }
        Tensor onPlainTape;
        try (Tape tape = Tape.start()) {
            onPlainTape = w.mul(2f);
        }
        assertArrayEquals(new float[] {1f, -2f}, w.toArray(), 0f);
        assertArrayEquals(new float[] {3f, 4f}, w.grad().toArray(), 0f);
        assertArrayEquals(new float[] {6f, 8f}, notRecorded.toArray(), 0f);
        assertArrayEquals(new float[] {2f, -4f}, onPlainTape.toArray(), 0f);
        w.zeroGrad();
        assertArrayEquals(new float[] {0f, 0f}, w.gradData(), 0f);
    }
}
