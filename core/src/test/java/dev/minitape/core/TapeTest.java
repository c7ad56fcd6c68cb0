package dev.minitape.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the tape records, how backward replays it, and the errors it gives. */
class TapeTest {

    private static Tensor leaf(float... values) {
        return Tensor.of(values).requiresGrad(true);
    }

    @Test
    void backwardGivesTheGradientOfEachLeaf() {
        Tensor x = leaf(1, 2, 3), w = leaf(4, 5, 6);
        try (Tape tape = Tape.start()) {
            x.mul(w).sum().backward();           // d/dx Σ x·w = w, d/dw = x
        }
        assertArrayEquals(new float[] {4, 5, 6}, x.grad().toArray());
        assertArrayEquals(new float[] {1, 2, 3}, w.grad().toArray());
    }

    @Test
    void aTensorUsedTwiceGetsBothContributions() {
        Tensor x = leaf(3);
        try (Tape tape = Tape.start()) {
            x.mul(x).add(x).sum().backward();     // d/dx (x² + x) = 2x + 1 = 7
        }
        assertEquals(7f, x.grad().item());
    }

    @Test
    void aSecondBackwardAddsToTheGradientAsInPyTorch() {
        Tensor x = leaf(2);
        try (Tape tape = Tape.start()) {
            Tensor y = x.mul(x).sum();
            y.backward();
            y.backward();                         // torch: y.backward(retain_graph=True) twice gives 2·(2x)
        }
        assertEquals(8f, x.grad().item());
        x.zeroGrad();
        assertEquals(0f, x.grad().item());
    }

    @Test
    void gradientsAccumulateAcrossTapesUntilZeroed() {
        Tensor x = leaf(1, 1);
        for (int i = 0; i < 3; i++) {
            try (Tape tape = Tape.start()) {
                x.mul(2f).sum().backward();
            }
        }
        assertArrayEquals(new float[] {6, 6}, x.grad().toArray());
    }

    @Test
    void onlyOpsOnTensorsThatRequireGradAreRecorded() {
        Tensor a = Tensor.of(new float[] {1, 2}), w = leaf(3, 4);
        try (Tape tape = Tape.start()) {
            Tensor constant = a.mul(2f).exp();
            assertEquals(0, tape.size());
            assertFalse(constant.requiresGrad());
            Tensor y = constant.mul(w);
            assertEquals(1, tape.size());
            assertTrue(y.requiresGrad());
            assertFalse(y.isLeaf());
        }
    }

    @Test
    void noGradPausesRecording() {
        Tensor w = leaf(1, 2);
        try (Tape tape = Tape.start()) {
            Tensor y;
            try (var off = Tape.noGrad()) {
                y = w.mul(3f).sum();
                assertFalse(Tape.isRecording());
            }
            assertTrue(Tape.isRecording());
            assertEquals(0, tape.size());
            assertFalse(y.requiresGrad());
            IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
            assertTrue(e.getMessage().contains("computed under Tape.noGrad()"), e.getMessage());
        }
    }

    @Test
    void backwardFromInputsThatRequireNoGradientNamesTheMissingRequiresGrad() {
        Tensor x = Tensor.of(new float[] {1, 2}, 1, 2);                  // requiresGrad not set
        try (Tape tape = Tape.start()) {
            Tensor y = x.mul(x).sum();
            assertEquals(0, tape.size());
            IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
            assertTrue(e.getMessage().contains("nothing it was computed from requires a gradient"), e.getMessage());
            assertTrue(e.getMessage().contains("requiresGrad(true)"), e.getMessage());
            assertFalse(e.getMessage().contains("Compute it inside"), e.getMessage());
        }
    }

    @Test
    void outsideATapeOpsComputeButCannotBackward() {
        Tensor w = leaf(1, 2);
        Tensor y = w.mul(w).sum();
        assertEquals(5f, y.item());
        assertFalse(Tape.isRecording());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("Tape.start()"), e.getMessage());
    }

    @Test
    void backwardAfterTheTapeClosedIsAnError() {
        Tensor w = leaf(1, 2);
        Tensor y;
        try (Tape tape = Tape.start()) {
            y = w.mul(w).sum();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void backwardOfANonScalarIsAnError() {
        Tensor w = leaf(1, 2);
        try (Tape tape = Tape.start()) {
            Tensor y = w.mul(w);
            IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
            assertTrue(e.getMessage().contains("scalar") && e.getMessage().contains("[2]"), e.getMessage());
        }
    }

    @Test
    void closingTheTapeDropsWhatItRecorded() {
        Tensor w = leaf(1, 2);
        Tape tape = Tape.start();
        w.mul(w).exp().sum();
        assertEquals(3, tape.size());
        tape.close();
        assertEquals(0, tape.size());
        assertFalse(Tape.isRecording());
    }

    @Test
    void intermediateGradientsAreFreedUnlessRetained() {
        Tensor x = leaf(1, 2);
        try (Tape tape = Tape.start()) {
            Tensor h = x.mul(3f);
            Tensor kept = x.exp().retainGrad();
            h.add(kept).sum().backward();
            assertNull(h.grad());
            assertNotNull(kept.grad());
            assertArrayEquals(new float[] {1, 1}, kept.grad().toArray());
        }
    }

    @Test
    void tapesNestAndRestoreTheOuterTape() {
        Tensor x = leaf(2);
        try (Tape outer = Tape.start()) {
            x.mul(x);
            try (Tape inner = Tape.start()) {
                x.mul(3f).sum().backward();
                assertEquals(2, inner.size());   // mul and sum
            }
            assertEquals(1, outer.size());
            x.exp();
            assertEquals(2, outer.size());
        }
        assertEquals(3f, x.grad().item());
    }

    @Test
    void unreachedBranchesContributeNothing() {
        Tensor x = leaf(1), y = leaf(5);
        try (Tape tape = Tape.start()) {
            Tensor unused = y.mul(y);
            Tensor loss = x.mul(2f).sum();
            Tensor later = loss.mul(unused);      // recorded after the loss: not replayed
            loss.backward();
        }
        assertEquals(2f, x.grad().item());
        assertNull(y.grad());
    }

    @Test
    void describesWhatItRecordedInOrder() {
        Tensor w = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true), c = Tensor.of(new float[] {1, 1, 1});
        try (Tape tape = Tape.start()) {
            w.mul(c).softmax(-1).log().sum();
            assertEquals("""
                    #0 mul(leaf [3], const [3]) -> [3]
                    #1 softmax(#0 [3]) -> [3]
                    #2 log(#1 [3]) -> [3]
                    #3 sum(#2 [3]) -> []
                    """, tape.describe());
            String dot = tape.toDot();
            assertTrue(dot.startsWith("digraph tape {"), dot);
            assertTrue(dot.contains("op0 -> op1;") && dot.contains("op2 -> op3;") && dot.contains("leaf0 -> op0;"), dot);
            assertTrue(dot.contains("[label=\"const [3]\", color=gray]"), dot);
        }
    }

    @Test
    void scalarOpsNameTheirConstantSoANegationShowsItsMinusOne() {
        Tensor x = leaf(0.5f, -1f);
        try (Tape tape = Tape.start()) {
            x.neg().sub(0.5f).div(4f).sum();
            assertEquals("""
                    #0 mulScalar[c=-1](leaf [2]) -> [2]
                    #1 addScalar[c=-0.5](#0 [2]) -> [2]
                    #2 mulScalar[c=0.25](#1 [2]) -> [2]
                    #3 sum(#2 [2]) -> []
                    """, tape.describe());
        }
    }

    @Test
    void aReplayListenerSeesEachBackwardStepWithItsGradients() {
        Tensor x = leaf(0.5f, -1f);
        java.util.List<String> steps = new java.util.ArrayList<>();
        try (Tape tape = Tape.start()) {
            Tensor y = x.mul(3f).sum();
            tape.onReplay((i, op, out, dy, inputs) -> steps.add(i + " " + op + " dy=" + java.util.Arrays.toString(dy)
                    + " -> " + java.util.Arrays.toString(inputs.get(0).grad().toArray())));
            y.backward();
        }
        assertEquals(java.util.List.of("1 sum dy=[1.0] -> [1.0, 1.0]", "0 mulScalar[c=3] dy=[1.0, 1.0] -> [3.0, 3.0]"), steps);
    }

    @Test
    void aTapeThatReusesBuffersLendsOutputsAgainNextStepButNotWhatNeedsNoGradient() {
        Tensor x = leaf(0.5f, -1f, 2f), constant = Tensor.of(new float[] {1f, 2f, 3f}, 3);
        java.util.Set<float[]> lent = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Tensor table;
        try (Tape tape = Tape.startReusingBuffers()) {
            Tensor h = x.mul(3f).retainGrad();                         // the only arrays of 3 floats: h and its gradient
            table = constant.mul(10f);                                 // no input requires grad: not lent
            h.sum().backward();
            lent.add(h.data());
            lent.add(h.grad().data());
            assertArrayEquals(new float[] {3f, 3f, 3f}, x.grad().toArray(), 0f);
        }
        float[] again;
        try (Tape tape = Tape.startReusingBuffers()) {
            Tensor h = x.mul(2f);
            again = h.data();
            h.sum().backward();
        }
        assertTrue(lent.contains(again), "the second step's output is one of the first step's arrays");
        assertArrayEquals(new float[] {1f, -2f, 4f}, x.mul(2f).toArray(), 0f);
        assertArrayEquals(new float[] {5f, 5f, 5f}, x.grad().toArray(), 0f);  // the leaf's gradient accumulates as ever
        assertArrayEquals(new float[] {10f, 20f, 30f}, table.toArray(), 0f);
        float[] fresh;
        try (Tape tape = Tape.start()) {
            fresh = x.mul(3f).data();
        }
        assertFalse(lent.contains(fresh), "a plain tape allocates");
    }
}
