package dev.minitape.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** nanoGPT's warmup + cosine schedule at its landmarks, and the constant schedule. */
class LrScheduleTest {
    private static final double MAX = 6e-4, MIN = 6e-5;
    private final LrSchedule s = LrSchedule.warmupCosine(MAX, MIN, 100, 1100);

    @Test
    void warmupStartsAtMaxLrOverWarmupAndReachesMaxLr() {
        assertEquals(MAX / 100, s.lr(0), 1e-18);                             // maxLr·(0 + 1)/warmup
        assertEquals(MAX / 2, s.lr(49), 1e-18);
        assertEquals(MAX, s.lr(99), 1e-18);                                  // last warmup step
        assertEquals(MAX, s.lr(100), 1e-18);                                 // ratio 0: cos 0 = 1
    }

    @Test
    void cosineIsHalfwayAtItsMidpointAndMinLrAtTheEnd() {
        assertEquals((MAX + MIN) / 2, s.lr(600), 1e-18);                     // ratio ½: cos(π/2) = 0
        assertEquals(MIN, s.lr(1100), 1e-18);                                // ratio 1: cos π = −1
        assertEquals(MIN, s.lr(1101));
        assertEquals(MIN, s.lr(1_000_000));
    }

    @Test
    void decayNeverIncreases() {
        for (int step = 100; step < 1200; step++) assertTrue(s.lr(step + 1) <= s.lr(step), "step " + step);
    }

    @Test
    void noWarmupStartsAtMaxLr() {
        assertEquals(1.0, LrSchedule.warmupCosine(1.0, 0.0, 0, 10).lr(0));
    }

    @Test
    void constantIsConstant() {
        LrSchedule c = LrSchedule.constant(3e-4);
        assertEquals(3e-4, c.lr(0));
        assertEquals(3e-4, c.lr(12345));
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("LrSchedule.warmupCosine: minLr 0.01 must not exceed maxLr 0.001",
                assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1e-3, 1e-2, 10, 100)).getMessage());
        assertEquals("LrSchedule.warmupCosine: need 0 <= warmupSteps < totalSteps, got warmupSteps 100 and totalSteps 100",
                assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1e-3, 0, 100, 100)).getMessage());
        assertEquals("LrSchedule.warmupCosine: need 0 <= warmupSteps < totalSteps, got warmupSteps -1 and totalSteps 100",
                assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1e-3, 0, -1, 100)).getMessage());
        assertEquals("LrSchedule.warmupCosine: maxLr: lr must be finite and >= 0, got NaN",
                assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(Double.NaN, 0, 1, 100)).getMessage());
        assertEquals("LrSchedule.constant: lr must be finite and >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(-1)).getMessage());
        assertEquals("LrSchedule.lr: step must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> s.lr(-1)).getMessage());
    }

    @Test
    void minLrEqualToMaxLrIsAFlatSchedule() {
        LrSchedule flat = LrSchedule.warmupCosine(1e-3, 1e-3, 0, 100);
        assertEquals(1e-3, flat.lr(0));
        assertEquals(1e-3, flat.lr(50));
        assertEquals(1e-3, flat.lr(500));
    }

    @Test
    void aNegativeMinLrAndANegativeStepOfTheConstantAreRefused() {
        assertEquals("LrSchedule.warmupCosine: minLr: lr must be finite and >= 0, got -1.0E-4",
                assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1e-3, -1e-4, 10, 100)).getMessage());
        assertEquals("LrSchedule.lr: step must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(3e-4).lr(-1)).getMessage());
    }
}
