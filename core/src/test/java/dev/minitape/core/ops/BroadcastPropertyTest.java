package dev.minitape.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.GradCheck;
import dev.minitape.core.Rng;
import dev.minitape.core.Shape;
import dev.minitape.core.Tensor;
import java.util.function.BinaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Random broadcastable shapes: gradients check, and the output shape is NumPy's. */
class BroadcastPropertyTest {

    /** A shape of the given rank from a seed, and a partner that broadcasts with it (some sizes 1 or missing). */
    private static int[][] shapes(long seed) {
        Rng rng = new Rng(seed);
        int rank = rng.nextInt(4);
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) a[i] = 1 + rng.nextInt(3);
        int bRank = rng.nextInt(rank + 1);
        int[] b = new int[bRank];
        for (int i = 0; i < bRank; i++) {
            int matching = a[rank - bRank + i];
            b[i] = rng.nextInt(3) == 0 ? 1 : matching;
        }
        // Randomly make some of a's sizes 1 too, so both sides broadcast.
        for (int i = 0; i < rank; i++) if (rng.nextInt(4) == 0) a[i] = 1;
        return rng.nextInt(2) == 0 ? new int[][] {a, b} : new int[][] {b, a};
    }

    @Property(tries = 60, seed = "20261128")
    void binaryOpsOnRandomBroadcastShapesPassGradCheck(@ForAll @IntRange(min = 0, max = 1_000_000) int seed,
                                                       @ForAll @IntRange(min = 0, max = 3) int which) {
        int[][] s = shapes(seed);
        Rng rng = new Rng(seed + 1L);
        Tensor a = Tensor.randn(rng, s[0]).requiresGrad(true);
        Tensor b = Tensor.rand(rng, s[1]);
        float[] bd = b.data();
        for (int i = 0; i < bd.length; i++) bd[i] += 0.5f;       // keep divisors away from 0
        b.requiresGrad(true);
        BinaryOperator<Tensor> op = switch (which) {
            case 0 -> Tensor::add;
            case 1 -> Tensor::sub;
            case 2 -> Tensor::mul;
            default -> Tensor::div;
        };
        Tensor y = op.apply(a, b);
        assertArrayEquals(Shape.broadcast("test", s[0], s[1]), y.shape());
        GradCheck.Report r = GradCheck.check(in -> op.apply(in[0], in[1]), a, b);
        assertTrue(r.passed(2e-3, 1e-2), Shape.str(s[0]) + " op" + which + " " + Shape.str(s[1]) + ": " + r);
    }

    @Property(tries = 30, seed = "20261128")
    void batchedMatmulOnRandomShapesPassesGradCheck(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        Rng rng = new Rng(seed);
        int m = 1 + rng.nextInt(4), k = 1 + rng.nextInt(4), n = 1 + rng.nextInt(4);
        int batch = 1 + rng.nextInt(3);
        int[] aShape = rng.nextInt(2) == 0 ? new int[] {batch, m, k} : new int[] {m, k};
        int[] bShape = rng.nextInt(2) == 0 ? new int[] {batch, k, n} : new int[] {1, k, n};
        Tensor a = Tensor.randn(rng, aShape).requiresGrad(true), b = Tensor.randn(rng, bShape).requiresGrad(true);
        GradCheck.Report r = GradCheck.check(in -> in[0].matmul(in[1]), a, b);
        assertTrue(r.passed(2e-3, 1e-2), Shape.str(aShape) + "·" + Shape.str(bShape) + ": " + r);
    }
}
