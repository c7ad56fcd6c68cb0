package dev.minitape.lm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PredictionTest {
    @Test
    void hugeLogitsStayFinite() {
        // softmax(1000, 0, −1000): p ≈ (1, e^−1000, 0); a naive exp(1000) would overflow to ∞
        Prediction right = Prediction.of(new float[] {1000, 0, -1000}, 0, 3, 0, 1);
        assertEquals(0, right.nll(), 1e-12);
        assertEquals(1, right.pMax(), 1e-12);
        assertEquals(0, right.entropy(), 1e-12);
        assertEquals(0, right.brier(), 1e-12);
        Prediction wrong = Prediction.of(new float[] {1000, 0, -1000}, 0, 3, 1, 1);
        assertEquals(1000, wrong.nll(), 1e-9);
        assertEquals(2, wrong.brier(), 1e-12);            // 1 + 0 − 0 + 1: all mass on the wrong class
    }

    @Test
    void temperatureDividesTheLogits() {
        // logits (2 ln 3, 0) at T = 2 are (ln 3, 0): p = (3/4, 1/4)
        float[] z = {(float) (2 * Math.log(3)), 0};
        Prediction p = Prediction.of(z, 0, 2, 1, 2);
        assertEquals(0.25, p.pTarget(), 1e-7);
        assertEquals(0.75, p.pMax(), 1e-7);
        assertEquals(0, p.argmax());
        assertEquals(0.75 * 0.75 + 0.25 * 0.25, p.sumP2(), 1e-7);
    }

    @Test
    void readsTheRowAtItsOffset() {
        float[] rows = {5, 0, 0, 0, 0, 5};             // row 1 starts at 3 and peaks at class 2
        assertEquals(2, Prediction.of(rows, 3, 3, 2, 1).argmax());
    }

    @Test
    void aTargetOutsideTheClassesOrABadTemperatureIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Prediction.of(new float[] {0, 0}, 0, 2, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> Prediction.of(new float[] {0, 0}, 0, 2, 0, 0));
    }
}
