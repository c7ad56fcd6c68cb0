package dev.minitape.lm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The figures of four positions over V = 6 classes, computed by hand. The logits are ln p, so softmax
 * gives back p (to float precision: the tolerance is 1e-6).
 * <pre>
 *   A  p = (0.5, 0.2, 0.1, 0.1, 0.06, 0.04)   y = 0   right, rank 0, confidence 0.5 (bin ⌊7.5⌋ = 7)
 *   B  the same p                             y = 1   wrong, rank 1, confidence 0.5 (bin 7)
 *   C  p = (0.9, 0.02, 0.02, 0.02, 0.02, 0.02) y = 5   wrong; 0.9 and the tied 0.02s of classes 1..4
 *                                                     (lower index wins a tie) rank above it: rank 5,
 *                                                     so not in the top 5; confidence 0.9 (bin 13)
 *   D  p = (0.06, 0.06, 0.06, 0.06, 0.7, 0.06) y = 4   right, rank 0, confidence 0.7 (bin 10)
 *
 *   accuracy = 2/4 = 0.5;  top-5 = 3/4 (A, B, D)
 *   nll      = (ln 2 + ln 5 + ln 50 + ln(1/0.7)) / 4 = (0.693147 + 1.609438 + 3.912023 + 0.356675) / 4 = 1.642821
 *   Σp²: A, B 0.25 + 0.04 + 0.01 + 0.01 + 0.0036 + 0.0016 = 0.3152;  C 0.81 + 5·0.0004 = 0.812;  D 0.49 + 5·0.0036 = 0.508
 *   Brier = Σp² − 2·p_y + 1:  A 0.3152,  B 0.9152,  C 1.772,  D 0.108;  mean 3.1104 / 4 = 0.7776
 *   ECE: bin 7 holds A and B, accuracy 1/2, confidence 0.5, gap 0; bin 13 holds C, |0 − 0.9|; bin 10
 *        holds D, |1 − 0.7|:  (2·0 + 0.9 + 0.3) / 4 = 0.3
 *   entropy: A, B 0.5·0.693147 + 0.2·1.609438 + 2·0.1·2.302585 + 0.06·2.813411 + 0.04·3.218876 = 1.426539
 *            C 0.9·0.105361 + 5·0.02·3.912023 = 0.486027;  D 0.7·0.356675 + 5·0.06·2.813411 = 1.093695
 *            mean (2·1.426539 + 0.486027 + 1.093695) / 4 = 1.108200
 * </pre>
 */
class EvaluationTest {
    private static final int V = 6;
    private static final double TOL = 1e-6;

    private static Evaluation fourPositions() {
        double[][] p = {{0.5, 0.2, 0.1, 0.1, 0.06, 0.04}, {0.5, 0.2, 0.1, 0.1, 0.06, 0.04},
                {0.9, 0.02, 0.02, 0.02, 0.02, 0.02}, {0.06, 0.06, 0.06, 0.06, 0.7, 0.06}};
        float[] logits = new float[p.length * V];
        for (int i = 0; i < p.length; i++) for (int c = 0; c < V; c++) logits[i * V + c] = (float) Math.log(p[i][c]);
        Evaluation e = new Evaluation();
        e.addRows(logits, new int[] {0, 1, 5, 4}, V);
        return e;
    }

    @Test
    void accuracyAndTopFiveCountRanksWithTiesBrokenByIndex() {
        Evaluation e = fourPositions();
        assertEquals(4, e.positions());
        assertEquals(0.5, e.accuracy(), 0);
        assertEquals(0.75, e.top5Accuracy(), 0);
    }

    @Test
    void nllIsTheMeanOfMinusLogPTarget() {
        assertEquals(1.642821, fourPositions().nll(), TOL);
    }

    @Test
    void brierIsTheMeanSquaredDistanceToTheOneHotTarget() {
        assertEquals(0.7776, fourPositions().brier(), TOL);
    }

    @Test
    void eceWeighsEachBinsGapByItsShareOfPositions() {
        Evaluation e = fourPositions();
        assertEquals(0.3, e.ece(), TOL);
        Reliability bins = e.reliability();
        assertEquals(2, bins.count(7));
        assertEquals(0.5, bins.accuracy(7), 0);
        assertEquals(0.5, bins.confidence(7), TOL);
        assertEquals(1, bins.count(13));
        assertEquals(1, bins.count(10));
        assertTrue(Double.isNaN(bins.accuracy(0)), "an empty bin has no accuracy");
    }

    @Test
    void entropyIsTheMeanEntropyOfThePredictions() {
        assertEquals(1.108200, fourPositions().entropy(), TOL);
    }

    @Test
    void noPositionsGiveNaNFigures() {
        Evaluation e = new Evaluation();
        assertTrue(Double.isNaN(e.nll()) && Double.isNaN(e.accuracy()) && Double.isNaN(e.ece()) && Double.isNaN(e.brier()));
    }
}
