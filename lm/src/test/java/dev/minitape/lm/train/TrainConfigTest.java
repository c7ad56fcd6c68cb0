package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class TrainConfigTest {

    @Test
    void theBuilderSetsWhatIsNamedAndKeepsTheRestAtTheirDefaults() {
        TrainConfig c = TrainConfig.builder().steps(800).lr(3e-3).labelSmoothing(0.1).build();
        assertEquals(800, c.steps());
        assertEquals(3e-3, c.lr());
        assertEquals(0.1, c.labelSmoothing());
        TrainConfig d = TrainConfig.builder().build();
        assertEquals(new TrainConfig(2000, 12, 64, 1e-3, 1e-4, 100, 0.1, 0.9, 0.99, 1.0, 0, null, 0, LossReduction.TOKEN, 250, 20, 0,
                1337, 1, 0).toString(), d.toString());
    }

    @Test
    void anInvalidValueIsNamedByItsFieldWithTheValueGiven() {
        assertMessage("TrainConfig.steps must be positive, got 0", b -> b.steps(0));
        assertMessage("TrainConfig.batchSize must be positive, got -3", b -> b.batchSize(-3));
        assertMessage("TrainConfig.lr must be a positive finite number, got NaN", b -> b.lr(Double.NaN));
        assertMessage("TrainConfig.minLr must be between 0 and TrainConfig.lr (0.001), got 0.01", b -> b.minLr(0.01));
        assertMessage("TrainConfig.warmup must be at least 0 and less than TrainConfig.steps (10), got 10", b -> b.steps(10).warmup(10));
        assertMessage("TrainConfig.beta2 must be in [0, 1), got 1.0", b -> b.betas(0.9, 1.0));
        assertMessage("LossOptions.labelSmoothing must be in [0, 1), got 1.5", b -> b.labelSmoothing(1.5));
        assertMessage("LossOptions.labelSmoothing must be in [0, 1), got 1.0", b -> b.labelSmoothing(1.0));
        assertMessage("LossOptions.labelSmoothing must be in [0, 1), got -0.1", b -> b.labelSmoothing(-0.1));
        assertMessage("LossOptions.zLoss must be a finite number >= 0, got -1.0E-4", b -> b.zLoss(-1e-4));
        assertMessage("TrainConfig.checkpointEvery must be >= 0, got -1", b -> b.checkpointEvery(-1));
        assertMessage("TrainConfig.gradAccum must be positive, got 0", b -> b.gradAccum(0));
        assertMessage("TrainConfig.patience must be >= 0 (0: never stop early), got -2", b -> b.patience(-2));
    }

    private static void assertMessage(String expected, UnaryOperator<TrainConfig.Builder> change) {
        var e = assertThrows(IllegalArgumentException.class, () -> change.apply(TrainConfig.builder()).build());
        assertEquals(expected, e.getMessage());
    }
}
