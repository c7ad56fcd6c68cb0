package dev.minitape.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.nn.Parameter;
import java.util.Arrays;
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

    // AdamW's decoupled decay, PyTorch's order: p = p·(1 − lr·wd) first, then the Adam update from m and v, which
    // the decay never enters. Two steps at lr 0.1, wd 0.5 (a 5% shrink per step), where shrinking after the
    // update instead also shrinks the updates (by lr·wd·|update| ≈ 0.005 a step: the weights end 0.003 and
    // 0.01 away), and decay in the gradient (g + wd·p, Adam's L2) changes m and v themselves.
    private static final double LR = 0.1, WD = 0.5, BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;
    private static final float[] START = {3f, -2f};
    private static final float[][] GRADS = {{1f, 0.5f}, {-2f, 0.25f}};

    /** The weights after the two steps of GRADS from START, by AdamW's formula in double; decay first or after the update. */
    private static double[] adamWByHand(boolean decayFirst) {
        double[] p = {START[0], START[1]}, m = new double[2], v = new double[2];
        for (int t = 1; t <= GRADS.length; t++) {
            for (int i = 0; i < p.length; i++) {
                double g = GRADS[t - 1][i];
                if (decayFirst) p[i] *= 1 - LR * WD;
                m[i] = BETA1 * m[i] + (1 - BETA1) * g;
                v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
                double mHat = m[i] / (1 - Math.pow(BETA1, t)), vHat = v[i] / (1 - Math.pow(BETA2, t));
                p[i] -= LR * mHat / (Math.sqrt(vHat) + EPS);
                if (!decayFirst) p[i] *= 1 - LR * WD;
            }
        }
        return p;
    }

    /** Runs AdamW with weight decay wd on p (START) over GRADS; returns the optimizer's state after. */
    private static OptimizerState adamW(double wd, Parameter p) {
        AdamW opt = AdamW.builder().lr(LR).betas(BETA1, BETA2).eps(EPS).weightDecay(wd).build(one(p));
        for (float[] g : GRADS) {
            System.arraycopy(g, 0, p.gradData(), 0, g.length);
            opt.step();
        }
        return opt.state();
    }

    @Test
    void adamWShrinksTheWeightsBeforeTheAdamUpdate() {
        Parameter p = new Parameter(START.clone(), 2);
        adamW(WD, p);
        double[] expected = adamWByHand(true), decayAfter = adamWByHand(false);
        for (int i = 0; i < 2; i++) {
            assertTrue(Math.abs(expected[i] - decayAfter[i]) > 1e-3, "the two orders differ measurably at " + i);
            // AdamW computes in float; its weights end within 4e-8 of the double ones, under a float ulp (2.4e-7)
            assertEquals(expected[i], p.data()[i], 2.4e-7, "weight " + i);
        }
    }

    @Test
    void adamWsWeightDecayNeverEntersTheMoments() {
        Parameter decayed = new Parameter(START.clone(), 2), plain = new Parameter(START.clone(), 2);
        OptimizerState withDecay = adamW(WD, decayed), without = adamW(0, plain);
        assertArrayEquals(without.tensors().get("p.exp_avg"), withDecay.tensors().get("p.exp_avg"));
        assertArrayEquals(without.tensors().get("p.exp_avg_sq"), withDecay.tensors().get("p.exp_avg_sq"));
        assertFalse(Arrays.equals(plain.data(), decayed.data()), "the decay did change the weights");
    }

    @Test
    void amsgradKeepsTheLargestSecondMoment() {
        Parameter p = new Parameter(new float[] {0f}, 1);
        Adam adam = Adam.builder().amsgrad(true).build(one(p));
        assertTrue(adam.amsgrad());
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

    @Test
    void theEdgesPyTorchAcceptsAreAccepted() {
        // torch.optim.Adam checks 0 <= beta < 1 and 0 <= eps: zero betas and a zero eps are valid options
        Adam adam = Adam.builder().betas(0, 0).eps(0).build(one(new Parameter(new float[] {1f}, 1)));
        assertEquals(0.0, adam.beta1());
        assertEquals(0.0, adam.beta2());
        assertEquals(0.0, adam.eps());
    }

    @Test
    void aBeta2OfOneAndAnInfiniteEpsAreRefused() {
        Map<String, Parameter> named = one(new Parameter(new float[] {1f}, 1));
        assertEquals("Adam: beta2 must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> Adam.builder().betas(0.9, 1).build(named)).getMessage());
        assertEquals("AdamW: eps must be finite and >= 0, got Infinity",
                assertThrows(IllegalArgumentException.class,
                        () -> AdamW.builder().eps(Double.POSITIVE_INFINITY).build(named)).getMessage());
    }
}
