package dev.minitape.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sgd's update, step by step on numbers small enough to check by hand, and its option checks. */
class SgdTest {

    private static Map<String, Parameter> one(Parameter p) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("p", p);
        return m;
    }

    @Test
    void plainStepIsParameterMinusLrTimesGradient() {
        Parameter p = new Parameter(new float[] {1f, 2f}, 2);
        Sgd sgd = Sgd.builder().lr(0.5).build(one(p));
        p.gradData()[0] = 1f;
        p.gradData()[1] = -4f;
        sgd.step();
        assertArrayEquals(new float[] {0.5f, 4f}, p.data());               // 1 − 0.5·1, 2 − 0.5·(−4)
    }

    @Test
    void momentumBufferStartsAsTheFirstGradientThenAccumulates() {
        Parameter p = new Parameter(new float[] {0f}, 1);
        Sgd sgd = Sgd.builder().lr(1).momentum(0.5).dampening(0.5).build(one(p));
        p.gradData()[0] = 2f;
        sgd.step();                                                         // buf = 2 (no dampening on step 1)
        assertEquals(-2f, p.data()[0]);
        sgd.step();                                                         // buf = 0.5·2 + 0.5·2 = 2
        assertEquals(-4f, p.data()[0]);
        assertArrayEquals(new float[] {2f}, sgd.state().tensors().get("p.momentum_buffer"));
    }

    @Test
    void nesterovLooksAheadAlongTheBuffer() {
        Parameter p = new Parameter(new float[] {0f}, 1);
        Sgd sgd = Sgd.builder().lr(1).momentum(0.5).nesterov(true).build(one(p));
        p.gradData()[0] = 2f;
        sgd.step();                                                         // buf = 2, d = 2 + 0.5·2 = 3
        assertEquals(-3f, p.data()[0]);
    }

    @Test
    void weightDecayAddsWdTimesParameterToTheGradient() {
        Parameter p = new Parameter(new float[] {4f}, 1);
        Sgd sgd = Sgd.builder().lr(0.5).weightDecay(0.25).build(one(p));
        p.gradData()[0] = 1f;
        sgd.step();                                                         // 4 − 0.5·(1 + 0.25·4)
        assertEquals(3f, p.data()[0]);
    }

    @Test
    void aParameterWithoutGradientIsLeftAlone() {
        Parameter p = new Parameter(new float[] {1f}, 1), q = new Parameter(new float[] {1f}, 1);
        Map<String, Parameter> named = new LinkedHashMap<>();
        named.put("p", p);
        named.put("q", q);
        Sgd sgd = Sgd.builder().lr(0.1).momentum(0.9).build(named);
        p.gradData()[0] = 1f;
        sgd.step();
        assertEquals(1f, q.data()[0]);
        assertEquals(null, q.grad());
        assertEquals(null, sgd.state().metadata().get("q.step"));
        assertEquals(1, sgd.stepCount());
    }

    @Test
    void zeroGradZeroesEveryGradient() {
        Parameter p = new Parameter(new float[] {1f, 2f}, 2);
        Sgd sgd = Sgd.builder().lr(0.1).build(one(p));
        p.gradData()[1] = 3f;
        sgd.zeroGrad();
        assertArrayEquals(new float[] {0f, 0f}, p.gradData());
    }

    @Test
    void badOptionsAreRefusedLikePyTorchDoes() {
        Map<String, Parameter> named = one(new Parameter(new float[] {1f}, 1));
        assertEquals("Sgd: lr is required (PyTorch's SGD has no default); call lr(...)",
                assertThrows(IllegalArgumentException.class, () -> Sgd.builder().build(named)).getMessage());
        assertEquals("Sgd: lr must be finite and >= 0, got -0.1",
                assertThrows(IllegalArgumentException.class, () -> Sgd.builder().lr(-0.1).build(named)).getMessage());
        assertEquals("Sgd: momentum must be finite and >= 0, got -0.9",
                assertThrows(IllegalArgumentException.class, () -> Sgd.builder().lr(0.1).momentum(-0.9).build(named)).getMessage());
        assertEquals("Sgd: weight decay must be finite and >= 0, got NaN",
                assertThrows(IllegalArgumentException.class, () -> Sgd.builder().lr(0.1).weightDecay(Double.NaN).build(named)).getMessage());
        assertEquals("Sgd: nesterov needs momentum > 0 and dampening 0, got momentum 0.0 and dampening 0.0",
                assertThrows(IllegalArgumentException.class, () -> Sgd.builder().lr(0.1).nesterov(true).build(named)).getMessage());
        assertEquals("Sgd: nesterov needs momentum > 0 and dampening 0, got momentum 0.9 and dampening 0.1",
                assertThrows(IllegalArgumentException.class,
                        () -> Sgd.builder().lr(0.1).momentum(0.9).dampening(0.1).nesterov(true).build(named)).getMessage());
    }

    @Test
    void anInfiniteMomentumAndANanDampeningAreRefused() {
        Map<String, Parameter> named = one(new Parameter(new float[] {1f}, 1));
        assertEquals("Sgd: momentum must be finite and >= 0, got Infinity",
                assertThrows(IllegalArgumentException.class,
                        () -> Sgd.builder().lr(0.1).momentum(Double.POSITIVE_INFINITY).build(named)).getMessage());
        assertEquals("Sgd: dampening must be finite, got NaN",
                assertThrows(IllegalArgumentException.class,
                        () -> Sgd.builder().lr(0.1).momentum(0.9).dampening(Double.NaN).build(named)).getMessage());
    }

    @Test
    void groupsWithTheirOwnLrNeedNoDefault() {
        Parameter p = new Parameter(new float[] {1f}, 1);
        Sgd sgd = Sgd.builder().build(List.of(ParamGroup.of(one(p)).withLr(0.5)));
        p.gradData()[0] = 0.25f;
        sgd.step();
        assertEquals(1f - 0.5f * 0.25f, p.toArray()[0]);
    }

    @Test
    void theOptionsAreKept() {
        Sgd heavyBall = Sgd.builder().lr(0.1).momentum(0.9).dampening(0.1).build(one(new Parameter(new float[] {1f}, 1)));
        assertEquals(0.9, heavyBall.momentum());
        assertEquals(0.1, heavyBall.dampening());
        assertFalse(heavyBall.nesterov());
        assertTrue(Sgd.builder().lr(0.1).momentum(0.9).nesterov(true).build(one(new Parameter(new float[] {1f}, 1))).nesterov());
    }
}
