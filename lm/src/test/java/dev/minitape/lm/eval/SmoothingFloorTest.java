package dev.minitape.lm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minitape.core.Info;
import org.junit.jupiter.api.Test;

class SmoothingFloorTest {
    @Test
    void isTheEntropyOfTheSmoothedTarget() {
        // ε = 0.3, V = 3: target (0.8, 0.1, 0.1); H = −0.8 ln 0.8 − 2·0.1 ln 0.1 = 0.178515 + 0.460517 = 0.639032
        assertEquals(0.639032, SmoothingFloor.nats(0.3, 3), 1e-6);
        double[] q = new double[65];
        java.util.Arrays.fill(q, 0.1 / 65);
        q[7] += 0.9;
        assertEquals(Info.entropy(q), SmoothingFloor.nats(0.1, 65), 1e-12);
    }

    @Test
    void noSmoothingHasFloorZeroAndFullSmoothingLnV() {
        assertEquals(0, SmoothingFloor.nats(0, 65), 0);
        assertEquals(Math.log(65), SmoothingFloor.nats(1, 65), 1e-12);
    }
}
