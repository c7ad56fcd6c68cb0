package dev.minitape.lm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReliabilityTest {
    @Test
    void binsAreEqualWidthWithOneInTheLast() {
        Reliability r = new Reliability(15);
        assertEquals(0, r.bin(0));
        assertEquals(0, r.bin(1 / 15.0 - 1e-9));
        assertEquals(1, r.bin(1 / 15.0 + 1e-9));
        assertEquals(7, r.bin(0.5));
        assertEquals(14, r.bin(1));
    }

    @Test
    void aCalibratedBinHasNoGap() {
        // four positions at confidence 0.75, three right: accuracy 0.75 = confidence, ECE 0
        Reliability r = new Reliability(15);
        for (int i = 0; i < 4; i++) r.add(0.75, i < 3);
        assertEquals(0, r.ece(), 1e-12);
    }

    @Test
    void anOverconfidentBinsGapIsWeighedByItsShare() {
        // 2 positions at 0.95, both wrong (gap 0.95), 2 at 0.25, one right (gap |0.5 − 0.25| = 0.25):
        // ECE = (2/4)·0.95 + (2/4)·0.25 = 0.6
        Reliability r = new Reliability(15);
        r.add(0.95, false);
        r.add(0.95, false);
        r.add(0.25, true);
        r.add(0.25, false);
        assertEquals(0.6, r.ece(), 1e-12);
    }
}
