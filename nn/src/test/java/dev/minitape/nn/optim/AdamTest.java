package dev.minitape.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.minitape.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Properties of Adam and AdamW that follow from their formulas, and their option checks. */
class AdamTest {

    private static Map<String, Parameter> one(Parameter p) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("p", p);
        return m;
    }

    @Test
    void firstAdamStepMovesEachWeightByLrAgainstItsGradientsSign() {
        // t = 1: m = (1 − β1)·g, v = (1 − β2)·g², so m/(1 − β1) / sqrt(v/(1 − β2)) = sign(g), up to eps
        Parameter p = new Parameter(new float[] {1f, 1f, 1f}, 3);
        Adam adam = Adam.builder().lr(0.01).build(one(p));
        p.gradData()[0] = 3f;
        p.gradData()[1] = -0.002f;
        adam.step();
        assertEquals(0.99f, p.data()[0], 1e-6f);
        assertEquals(1.01f, p.data()[1], 1e-5f);
        assertEquals(1f, p.data()[2]);                                      // g = 0: m = 0, so no move at all
    }

    @Test
    void adamWWithZeroGradientOnlyShrinksTheWeights() {
        Parameter p = new Parameter(new float[] {2f, -4f}, 2);
        AdamW opt = AdamW.builder().lr(0.5).weightDecay(0.1).build(one(p));
        p.gradData();                                                       // zeros
        opt.step();
        assertArrayEquals(new float[] {2f * 0.95f, -4f * 0.95f}, p.data());   // p·(1 − lr·wd)
    }

    @Test
    void adamsWeightDecayGoesThroughTheMomentsAndAdamWsDoesNot() {
        Parameter a = new Parameter(new float[] {2f}, 1), w = new Parameter(new float[] {2f}, 1);
        Adam adam = Adam.builder().lr(0.1).weightDecay(0.1).build(one(a));
        AdamW adamW = AdamW.builder().lr(0.1).weightDecay(0.1).build(one(w));
        a.gradData();
        w.gradData();
        adam.step();
        adamW.step();
        assertEquals(1.9f, a.data()[0], 1e-6f);       // g = 0 + 0.1·2 > 0: a full lr step, as if the gradient were 0.2
        assertEquals(1.98f, w.data()[0], 1e-6f);      // 2·(1 − 0.1·0.1), and no moment
    }

    @Test
    void amsgradKeepsTheLargestSecondMoment() {
        Parameter p = new Parameter(new float[] {0f}, 1);
        Adam adam = Adam.builder().amsgrad(true).build(one(p));
        p.gradData()[0] = 10f;
        adam.step();
        p.gradData()[0] = 0f;
        adam.step();
        OptimizerState s = adam.state();
        float v = s.tensors().get("p.exp_avg_sq")[0], vMax = s.tensors().get("p.max_exp_avg_sq")[0];
        assertEquals((float) (0.001 * 100), vMax, 1e-6f);
        assertNotEquals(v, vMax);
    }

    @Test
    void defaultsArePyTorchs() {
        Parameter p = new Parameter(new float[] {0f}, 1);
        Adam adam = Adam.builder().build(one(p));
        AdamW adamW = AdamW.builder().build(one(new Parameter(new float[] {0f}, 1)));
        assertEquals(1e-3, adam.lr());
        assertEquals(0.9, adam.beta1());
        assertEquals(0.999, adam.beta2());
        assertEquals(1e-8, adam.eps());
        assertEquals(0.0, adam.groups().get(0).weightDecay());
        assertEquals(1e-2, adamW.groups().get(0).weightDecay());
        assertEquals(false, adamW.amsgrad());
    }

    @Test
    void badOptionsAreRefusedLikePyTorchDoes() {
        Map<String, Parameter> named = one(new Parameter(new float[] {1f}, 1));
        assertEquals("Adam: lr must be finite and >= 0, got -0.001",
                assertThrows(IllegalArgumentException.class, () -> Adam.builder().lr(-1e-3).build(named)).getMessage());
        assertEquals("AdamW: beta1 must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> AdamW.builder().betas(1, 0.999).build(named)).getMessage());
        assertEquals("AdamW: beta2 must be in [0, 1), got -0.5",
                assertThrows(IllegalArgumentException.class, () -> AdamW.builder().betas(0.9, -0.5).build(named)).getMessage());
        assertEquals("Adam: eps must be finite and >= 0, got -1.0E-8",
                assertThrows(IllegalArgumentException.class, () -> Adam.builder().eps(-1e-8).build(named)).getMessage());
        assertEquals("AdamW: weight decay must be finite and >= 0, got -0.1",
                assertThrows(IllegalArgumentException.class, () -> AdamW.builder().weightDecay(-0.1).build(named)).getMessage());
        assertEquals("AdamW: no parameters to optimize (1 empty groups)",
                assertThrows(IllegalArgumentException.class, () -> AdamW.builder().build(Map.of())).getMessage());
    }
}
