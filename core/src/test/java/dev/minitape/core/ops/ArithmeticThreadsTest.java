package dev.minitape.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.core.kernels.Parallel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Binary ops on same-shape operands split their elements over threads: the bits must not depend on the count. */
class ArithmeticThreadsTest {

    /** Values and gradients of add, sub, mul and div on 3 × 20000 elements (threads split past 2^14 each). */
    private static List<float[]> run(int threads) {
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            Rng rng = new Rng(11);
            Tensor a = Tensor.randn(rng, 3, 20000).requiresGrad(true), b = Tensor.rand(rng, 3, 20000).add(0.5f).requiresGrad(true);
            List<float[]> out = new ArrayList<>();
            try (Tape tape = Tape.start()) {
                Tensor y = a.add(b).mul(a).sub(b).div(b);
                out.add(y.toArray());
                y.mul(y).sum().backward();
            }
            out.add(a.grad().toArray());
            out.add(b.grad().toArray());
            return out;
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void oneAndTwoThreadsGiveTheSameBits() {
        List<float[]> one = run(1), two = run(2);
        for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), two.get(i), "result " + i);
    }
}
