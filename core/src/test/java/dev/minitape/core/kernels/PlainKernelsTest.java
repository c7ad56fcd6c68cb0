package dev.minitape.core.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The switch every plain-against-Vector-API comparison relies on: if it did not switch, they would compare a kernel with itself. */
class PlainKernelsTest {
    @Test
    void plainKernelsRunWithTheVectorApiOffAndItComesBackOn() {
        assertTrue(VectorApi.enabled(), "core's tests run with jdk.incubator.vector");
        assertFalse(PlainKernels.compute(VectorApi::enabled));
        assertTrue(VectorApi.enabled());
    }
}
