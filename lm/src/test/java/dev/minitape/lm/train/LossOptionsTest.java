package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Reduction;
import dev.minitape.core.Tensor;
import org.junit.jupiter.api.Test;

/** The loss options reach the cross-entropy the trainers build, and bad values are named by field. */
class LossOptionsTest {
    // two sequences of three positions over V = 3; the second sequence's last target is ignored (-100)
    private static final Tensor LOGITS = Tensor.of(new float[] {2, 0, -1, 0.5f, 1, 0, -2, 3, 1, 1, 1, 0, 0, 2, 1, 4, 0, 1}, 2, 3, 3);
    private static final int[] TARGETS = {0, 1, 2, 1, 0, -100};

    @Test
    void everyOptionReachesTheCrossEntropy() {
        ClassWeights w = ClassWeights.given("given", new float[] {0.5f, 2, 1});
        LossOptions options = new LossOptions(0.1, 1e-3, LossReduction.SEQUENCE, w);
        float expected = CrossEntropy.builder().labelSmoothing(0.1).zLoss(1e-3).reduction(Reduction.SEQUENCE_MEAN)
                .classWeights(w.weights()).build().apply(LOGITS, TARGETS).item();
        assertEquals(expected, options.crossEntropy().build().apply(LOGITS, TARGETS).item(), 0);
        // and each one changes the loss, so none is dropped on the way
        assertNotEquals(expected, new LossOptions(0, 1e-3, LossReduction.SEQUENCE, w).crossEntropy().build().apply(LOGITS, TARGETS).item());
        assertNotEquals(expected, new LossOptions(0.1, 0, LossReduction.SEQUENCE, w).crossEntropy().build().apply(LOGITS, TARGETS).item());
        assertNotEquals(expected, new LossOptions(0.1, 1e-3, LossReduction.TOKEN, w).crossEntropy().build().apply(LOGITS, TARGETS).item());
        assertNotEquals(expected, new LossOptions(0.1, 1e-3, LossReduction.SEQUENCE, null).crossEntropy().build().apply(LOGITS, TARGETS).item());
    }

    @Test
    void sequencesOfEqualLengthMakeTheSequenceMeanTheTokenMeanUnlessWeighted() {
        int[] targets = {0, 1, 2, 1, 0, 0};                              // no target ignored: both rows hold 3
        float token = new LossOptions(0.1, 0, LossReduction.TOKEN, null).crossEntropy().build().apply(LOGITS, targets).item();
        float sequence = new LossOptions(0.1, 0, LossReduction.SEQUENCE, null).crossEntropy().build().apply(LOGITS, targets).item();
        assertEquals(token, sequence, 0);
        // weighted: Σ w·l / Σ w within each row, then the mean of rows, is not Σ w·l / Σ w over both
        ClassWeights w = ClassWeights.given("given", new float[] {0.5f, 2, 1});
        assertNotEquals(new LossOptions(0.1, 0, LossReduction.TOKEN, w).crossEntropy().build().apply(LOGITS, targets).item(),
                new LossOptions(0.1, 0, LossReduction.SEQUENCE, w).crossEntropy().build().apply(LOGITS, targets).item());
    }

    @Test
    void plainIsTheUnsmoothedUnweightedTokenMean() {
        assertEquals(CrossEntropy.builder().build().apply(LOGITS, TARGETS).item(),
                LossOptions.PLAIN.crossEntropy().build().apply(LOGITS, TARGETS).item(), 0);
    }

    @Test
    void badValuesAreNamedByField() {
        assertEquals("LossOptions.zLoss must be a finite number >= 0, got Infinity", assertThrows(IllegalArgumentException.class,
                () -> new LossOptions(0, Double.POSITIVE_INFINITY, LossReduction.TOKEN, null)).getMessage());
        assertEquals("LossOptions.reduction must be token or sequence, got 'tokens'",
                assertThrows(IllegalArgumentException.class, () -> LossReduction.of("tokens")).getMessage());
        assertEquals(LossReduction.TOKEN, new LossOptions(0, 0, null, null).reduction());
    }
}
