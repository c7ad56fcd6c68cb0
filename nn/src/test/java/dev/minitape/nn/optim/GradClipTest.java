package dev.minitape.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.nn.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Clipping by global norm: what it returns, when it scales, and what it leaves alone. */
class GradClipTest {

    private static Parameter withGrad(float... g) {
        Parameter p = new Parameter(new float[g.length], g.length);
        System.arraycopy(g, 0, p.gradData(), 0, g.length);
        return p;
    }

    @Test
    void returnsTheNormOfAllGradientsTogetherAndScalesThemToMaxNorm() {
        Parameter a = withGrad(3f, 0f), b = withGrad(4f);                    // norm 5
        double norm = GradClip.clipGlobalNorm(List.of(a, b), 1.0);
        assertEquals(5.0, norm);
        float s = (float) (1.0 / (5.0 + 1e-6));
        assertArrayEquals(new float[] {3f * s, 0f}, a.gradData());
        assertArrayEquals(new float[] {4f * s}, b.gradData());
        assertEquals(1.0, GradClip.globalNorm(List.of(a, b)), 1e-6);
    }

    @Test
    void gradientsWithinMaxNormAreUntouched() {
        Parameter a = withGrad(0.3f, -0.4f);
        assertEquals(0.5, GradClip.clipGlobalNorm(List.of(a), 0.5), 1e-7);   // scale 0.5/(0.5 + 1e-6) < 1 clips...
        Parameter b = withGrad(0.3f, -0.4f);
        GradClip.clipGlobalNorm(List.of(b), 0.6);                            // ...scale > 1 does not
        assertArrayEquals(new float[] {0.3f, -0.4f}, b.gradData());
    }

    @Test
    void aTiedParameterListedTwiceCountsOnce() {
        Parameter a = withGrad(3f, 4f);
        assertEquals(5.0, GradClip.clipGlobalNorm(List.of(a, a), 10.0));
    }

    @Test
    void parametersWithoutGradientAreSkipped() {
        Parameter none = new Parameter(new float[] {1f}, 1), a = withGrad(2f);
        assertEquals(2.0, GradClip.clipGlobalNorm(List.of(none, a), 1.0), 1e-12);
        assertNull(none.grad());
        assertEquals(0.0, GradClip.clipGlobalNorm(List.of(new Parameter(new float[] {1f}, 1)), 1.0));
    }

    @Test
    void aNonFiniteNormIsReturnedAndNothingChanges() {
        Parameter a = withGrad(Float.NaN, 1f), b = withGrad(2f);
        assertTrue(Double.isNaN(GradClip.clipGlobalNorm(List.of(a, b), 1.0)));
        assertArrayEquals(new float[] {2f}, b.gradData());
        Parameter c = withGrad(Float.POSITIVE_INFINITY), d = withGrad(2f);
        assertEquals(Double.POSITIVE_INFINITY, GradClip.clipGlobalNorm(List.of(c, d), 1.0));
        assertArrayEquals(new float[] {2f}, d.gradData());
    }

    @Test
    void theNormIsSummedInDoubleSoLargeGradientsDoNotOverflow() {
        Parameter a = withGrad(3e20f, 4e20f);                                // g² overflows float32
        assertEquals(5e20, GradClip.clipGlobalNorm(List.of(a), 1.0), 1e14);
        assertEquals(1.0, GradClip.globalNorm(List.of(a)), 1e-6);
    }

    @Test
    void aNegativeOrNaNMaxNormIsRefused() {
        Parameter a = withGrad(1f);
        assertEquals("GradClip.clipGlobalNorm: maxNorm must be >= 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(List.of(a), -1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(List.of(a), Double.NaN));
    }

    @Test
    void aMaxNormOfZeroZeroesEveryGradient() {
        Parameter a = withGrad(3f, -4f);
        assertEquals(5.0, GradClip.clipGlobalNorm(List.of(a), 0));
        assertArrayEquals(new float[] {0f, -0f}, a.gradData());
    }
}
