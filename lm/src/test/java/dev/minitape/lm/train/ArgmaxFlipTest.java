package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The flip condition w_heavy / w_light > 1 + V·(1 − ε)/ε at, just above and below its boundary. */
class ArgmaxFlipTest {

    @Test
    void exactlyAtTheThresholdTheTargetStillTiesSoNoFlip() {
        // V = 2, ε = 0.5: threshold 1 + 2·0.5/0.5 = 3. With weights (1, 3) the minimizer's p_target ∝ 0.5·1 + 0.25·1 = 0.75
        // and p_other ∝ 0.25·3 = 0.75: a tie, not a flip
        assertTrue(ArgmaxFlip.risk(new float[] {1, 3}, 0.5).isEmpty());
        assertTrue(ArgmaxFlip.risk(new float[] {1, Math.nextDown(3f)}, 0.5).isEmpty());
    }

    @Test
    void justAboveTheThresholdTheHeavyClassWinsAgainstTheLightTarget() {
        ArgmaxFlip f = ArgmaxFlip.risk(new float[] {Math.nextUp(3f), 1}, 0.5).orElseThrow();
        assertEquals(0, f.heavy());
        assertEquals(1, f.light());
        assertEquals(3.0, f.threshold());
        assertEquals(Math.nextUp(3f), f.ratio(), 0);
    }

    @Test
    void theThresholdGrowsWithTheVocabularyAndShrinkingEpsilon() {
        // V = 4, ε = 0.25: 1 + 4·0.75/0.25 = 13
        float[] w = {1, 2, 13, 0.5f};                   // ratio 13/0.5 = 26 > 13
        ArgmaxFlip f = ArgmaxFlip.risk(w, 0.25).orElseThrow();
        assertEquals(2, f.heavy());
        assertEquals(3, f.light());
        assertEquals(13.0, f.threshold());
        assertTrue(ArgmaxFlip.risk(new float[] {1, 2, 13, 1}, 0.25).isEmpty());          // ratio 13: at the boundary
        assertTrue(ArgmaxFlip.risk(new float[] {1, 2, Math.nextUp(13f), 1}, 0.25).isPresent());
        assertTrue(ArgmaxFlip.risk(w, 0.125).isEmpty());                                   // 1 + 4·7 = 29 > 26
    }

    @Test
    void noSmoothingNeverFlipsAndAZeroWeightAlwaysCan() {
        assertTrue(ArgmaxFlip.risk(new float[] {1, 1000}, 0).isEmpty());
        ArgmaxFlip f = ArgmaxFlip.risk(new float[] {1, 0}, 0.01).orElseThrow();
        assertEquals(Double.POSITIVE_INFINITY, f.ratio());
    }
}
