package dev.minitape.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract of DESIGN §3: a bad shape, index or option is an IllegalArgumentException whose message names
 * the op, never an index error from deep inside a loop or a result of a shape that cannot exist. Next to each
 * bad input sits the nearest good one, so the check is not stricter than the op.
 */
class OpsBadInputTest {
    private final Rng rng = new Rng(23);

    private static void rejects(String op, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(op), "message should name " + op + ": " + e.getMessage());
    }

    @Test
    void reshapeTakesOneInferredSizeAndNoOtherNegative() {
        Tensor six = Tensor.zeros(6), one = Tensor.zeros(1), empty = Tensor.zeros(2, 0);
        rejects("reshape", () -> six.reshape(-2, -3));             // the product is 6, but no size is −2
        rejects("reshape", () -> one.reshape(-1, -1));             // two inferred sizes
        rejects("reshape", () -> six.reshape(-1, 4));              // no whole number of rows of 4
        rejects("reshape", () -> empty.reshape(-1, 0));            // 0 elements fit any size beside a 0
        rejects("reshape", () -> empty.reshape(0, -1));
        assertArrayEquals(new int[] {0, 2}, empty.reshape(0, 2).shape());
        assertArrayEquals(new int[] {0, 5}, empty.reshape(-1, 5).shape());        // −1 inferred as 0
        assertArrayEquals(new int[] {3, 2}, six.reshape(-1, 2).shape());
        assertArrayEquals(new int[] {1, 1}, one.reshape(-1, 1).shape());
    }

    @Test
    void permuteNeedsEachDimOnce() {
        Tensor x = Tensor.randn(rng, 2, 3, 4);
        rejects("permute", () -> x.permute(1, 0));
        rejects("permute", () -> x.permute(0, 1, 2, 3));
        rejects("permute", () -> x.permute(0, 2, 2));
        rejects("permute", () -> x.permute(0, -1, 2));             // −1 is dim 2
        assertArrayEquals(new int[] {4, 2, 3}, x.permute(-1, 0, 1).shape());
    }

    @Test
    void sliceRangeLiesWithinTheDim() {
        Tensor x = Tensor.randn(rng, 2, 3);
        rejects("slice", () -> x.slice(1, -1, 2));
        rejects("slice", () -> x.slice(1, 0, 4));
        rejects("slice", () -> x.slice(1, 2, 1));
        assertArrayEquals(x.toArray(), x.slice(1, 0, 3).toArray());
        assertArrayEquals(new int[] {2, 0}, x.slice(1, 3, 3).shape());
    }

    @Test
    void concatNeedsATensor() {
        rejects("concat", () -> Tensor.concat(0));
    }

    @Test
    void indexOpsRejectWhatIsOutOfRange() {
        rejects("gather", () -> Tensor.zeros(0, 3).gather(1, new int[0]));   // no rows to fill: no K to infer
        rejects("gather", () -> Tensor.zeros(2, 3).gather(1, new int[] {0, 1, 2}));   // 2 rows, 3 indices
        Tensor table = Tensor.randn(rng, 3, 2);
        rejects("embedding", () -> Index.embedding(Tensor.zeros(6), new int[] {0}, -1));
        rejects("embedding", () -> Index.embedding(table, new int[] {0, 3}, -1));
        rejects("embedding", () -> Index.embedding(table, new int[] {-1}, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Index.embedding(table, new int[] {1, 7}, -1));
        assertTrue(e.getMessage().contains("id 7 at position 1") && e.getMessage().contains("0..2"), e.getMessage());
        assertArrayEquals(new float[] {table.toArray()[0], table.toArray()[1], table.toArray()[4], table.toArray()[5]},
                Index.embedding(table, new int[] {0, 2}, -1).toArray());
        rejects("maskedFill", () -> Tensor.zeros(3).maskedFill(Tensor.zeros(2, 3), 1f));   // the mask would widen x
    }

    @Test
    void reductionsThatNeedAnElementRejectAnEmptyInput() {
        Tensor empty = Tensor.zeros(2, 0);
        rejects("mean", empty::mean);
        rejects("mean", () -> empty.mean(1, false));
        rejects("max", empty::max);
        rejects("max", () -> empty.max(1, true));
        assertArrayEquals(new float[2], empty.sum(1, false).toArray());       // a sum of nothing is 0
        assertArrayEquals(new int[] {0}, empty.mean(0, false).shape());       // no means to take, none taken
    }

    @Test
    void dropoutProbabilityLiesInTheUnitInterval() {
        Tensor x = Tensor.ones(4);
        rejects("dropout", () -> x.dropout(-0.01f, rng));
        rejects("dropout", () -> x.dropout(1.01f, rng));
        rejects("dropout", () -> x.dropout(Float.NaN, rng));
    }

    @Test
    void layerNormParametersMatchTheLastDim() {
        Tensor x = Tensor.randn(rng, 2, 3);
        rejects("layerNorm", () -> Norm.layerNorm(Tensor.scalar(1f), null, null, 1e-5f));
        rejects("layerNorm", () -> Norm.layerNorm(x, Tensor.ones(3, 1), null, 1e-5f));
        rejects("layerNorm", () -> Norm.layerNorm(x, null, Tensor.zeros(4), 1e-5f));
        rejects("layerNorm", () -> Norm.layerNorm(x, Tensor.ones(3), Tensor.zeros(1, 3), 1e-5f));
    }

    @Test
    void matmulAndLinearShapesMustChain() {
        Tensor m = Tensor.randn(rng, 3, 3);
        rejects("matmul", () -> Tensor.randn(rng, 3).matmul(m));
        rejects("matmul", () -> m.matmul(Tensor.randn(rng, 3)));
        Tensor x = Tensor.randn(rng, 4, 3), w = Tensor.randn(rng, 2, 3);
        rejects("linear", () -> Linalg.linear(Tensor.scalar(1f), Tensor.randn(rng, 2, 1), null));
        rejects("linear", () -> Linalg.linear(x, Tensor.randn(rng, 2, 3, 1), null));
        rejects("linear", () -> Linalg.linear(x, Tensor.randn(rng, 3), null));
        rejects("linear", () -> Linalg.linear(x, Tensor.randn(rng, 2, 4), null));
        rejects("linear", () -> Linalg.linear(x, w, Tensor.zeros(2, 1)));
        rejects("linear", () -> Linalg.linear(x, w, Tensor.zeros(3)));
        // a single input vector is a batch of none: (I) → (O)
        Tensor v = Tensor.of(new float[] {1, 2, 3});
        float[] ws = w.toArray();
        Tensor y = Linalg.linear(v, w, Tensor.of(new float[] {10, 20}));
        assertArrayEquals(new int[] {2}, y.shape());
        assertArrayEquals(new float[] {10 + ws[0] + 2 * ws[1] + 3 * ws[2], 20 + ws[3] + 2 * ws[4] + 3 * ws[5]}, y.toArray(), 1e-5f);
    }

    @Test
    void attentionBlocksMustFitTheirTensors() {
        Tensor q = Tensor.randn(rng, 2, 3, 8), kv = Tensor.randn(rng, 2, 5, 8);
        Attention.multiHead(q, 4, kv, 4, kv, 4, 2, 4, false, 0, null);          // the last columns: fits
        rejects("attention", () -> Attention.multiHead(q, 5, kv, 0, kv, 0, 2, 4, false, 0, null));
        rejects("attention", () -> Attention.multiHead(q, 0, kv, 5, kv, 0, 2, 4, false, 0, null));
        rejects("attention", () -> Attention.multiHead(q, 0, kv, 0, kv, 5, 2, 4, false, 0, null));
        rejects("attention", () -> Attention.multiHead(q, 0, kv, 0, kv, 0, 3, 4, false, 0, null));
        rejects("attention", () -> Attention.multiHead(q, 0, kv, 0, kv, 0, 2, 4, false, 0, Tensor.zeros(2, 6)));
        rejects("attention", () -> Attention.multiHead(q, 0, kv, 0, kv, 0, 2, 4, false, 0, Tensor.zeros(3, 5)));
        rejects("attention", () -> Attention.multiHead(q, 0, kv, 0, kv, 0, 2, 4, false, 0, Tensor.zeros(10)));
    }
}
