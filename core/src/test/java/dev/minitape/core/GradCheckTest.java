package dev.minitape.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GradCheckTest {

    /** y = x³ with a deliberately wrong gradient (2x instead of 3x²). */
    private static Tensor wrongCube(Tensor x) {
        float[] xs = x.data(), y = new float[xs.length];
        for (int i = 0; i < y.length; i++) y[i] = xs[i] * xs[i] * xs[i];
        return Tape.record("wrongCube", new Tensor(y, x.shape()), dy -> {
            float[] dx = x.gradData();
            for (int i = 0; i < dx.length; i++) dx[i] += 2 * xs[i] * dy[i];
        }, x);
    }

    @Test
    void catchesAWrongGradient() {
        Tensor x = Tensor.of(new float[] {1.5f, -2f, 0.7f}).requiresGrad(true);
        GradCheck.Report r = GradCheck.check(in -> wrongCube(in[0]), x);
        assertFalse(r.passed(1e-3, 1e-2), r.toString());
        assertTrue(r.maxAbsError() > 1, r.toString());
    }

    @Test
    void acceptsARightGradientAndReportsBoth() {
        Tensor x = Tensor.of(new float[] {1.5f, -2f, 0.7f}).requiresGrad(true);
        GradCheck.Report r = GradCheck.check(in -> in[0].pow(3f), x);
        assertTrue(r.passed(1e-3, 1e-3), r.toString());
        assertEquals(r.analytic()[0].length, 3);
        assertTrue(r.maxRelError() < 1e-3, r.toString());
    }

    @Test
    void leavesTheInputsGradientsAndValuesAsTheyWere() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        x.gradData()[0] = 42;
        GradCheck.check(in -> in[0].exp(), x);
        assertArrayEquals(new float[] {42, 0}, x.grad().toArray());
        assertArrayEquals(new float[] {1, 2}, x.toArray());
    }

    @Test
    void stepsToTheNeighbouringFloatWhereTheStepWouldRoundAway() {
        // at 1e30 floats are 7.6e22 apart, so x ± 0.01 is x again; d(2x)/dx = 2 all the same (2x is exact in floats)
        Tensor x = Tensor.of(new float[] {1e30f, -1e30f}, 2).requiresGrad(true);
        GradCheck.Report r = GradCheck.check(in -> in[0].mul(2f).sum(), x);
        for (double g : r.numeric()[0]) assertEquals(2.0, g, 1e-6);
        assertTrue(r.passed(0, 1e-6), r.toString());
    }

    @Test
    void inputsThatDoNotRequireGradAreConstants() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true), c = Tensor.of(new float[] {3, 4});
        GradCheck.Report r = GradCheck.check(in -> in[0].mul(in[1]), x, c);
        assertEquals(null, r.analytic()[1]);
        assertTrue(r.passed(1e-3, 1e-2));
    }
}
