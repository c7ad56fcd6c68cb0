package dev.minitape.core.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.GradCheck;
import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every op's tape gradient agrees with central finite differences (GradCheck), on random inputs. */
class OpsGradCheckTest {
    private static final double ATOL = 2e-3, RTOL = 1e-2;
    private final Rng rng = new Rng(7);

    private Tensor randn(int... shape) {
        return Tensor.randn(rng, shape).requiresGrad(true);
    }

    /** Uniform in [lo, hi): for ops defined on part of the line (log, sqrt, pow). */
    private Tensor uniform(float lo, float hi, int... shape) {
        Tensor t = Tensor.rand(rng, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * d[i];
        return t.requiresGrad(true);
    }

    private static void check(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.Report r = GradCheck.check(f, inputs);
        assertTrue(r.passed(ATOL, RTOL), what + ": " + r);
    }

    @Test
    void binaryOpsWithSameShapes() {
        check("add", in -> in[0].add(in[1]), randn(3, 4), randn(3, 4));
        check("sub", in -> in[0].sub(in[1]), randn(3, 4), randn(3, 4));
        check("mul", in -> in[0].mul(in[1]), randn(3, 4), randn(3, 4));
        check("div", in -> in[0].div(in[1]), randn(3, 4), uniform(0.5f, 2f, 3, 4));
    }

    @Test
    void binaryOpsBroadcast() {
        check("add (2,3,4)+(4)", in -> in[0].add(in[1]), randn(2, 3, 4), randn(4));
        check("sub (2,1,4)-(3,1)", in -> in[0].sub(in[1]), randn(2, 1, 4), randn(3, 1));
        check("mul (3,1)*(1,5)", in -> in[0].mul(in[1]), randn(3, 1), randn(1, 5));
        check("div (2,3)/(2,1)", in -> in[0].div(in[1]), randn(2, 3), uniform(0.5f, 2f, 2, 1));
        check("mul by 0-dim", in -> in[0].mul(in[1]), randn(2, 3), Tensor.scalar(1.5f).requiresGrad(true));
    }

    @Test
    void tensorUsedTwiceGetsBothContributions() {
        check("x*x + x", in -> in[0].mul(in[0]).add(in[0]), randn(5));
        check("x·xᵀ", in -> in[0].matmul(in[0].transpose(0, 1)), randn(3, 4));
    }

    @Test
    void scalarOps() {
        check("neg", in -> in[0].neg(), randn(6));
        check("add scalar", in -> in[0].add(2.5f), randn(6));
        check("sub scalar", in -> in[0].sub(2.5f), randn(6));
        check("mul scalar", in -> in[0].mul(-3f), randn(6));
        check("div scalar", in -> in[0].div(4f), randn(6));
        check("pow 3", in -> in[0].pow(3f), randn(6));
        check("pow 0.5", in -> in[0].pow(0.5f), uniform(0.5f, 3f, 6));
        check("pow -2", in -> in[0].pow(-2f), uniform(0.5f, 3f, 6));
    }

    @Test
    void pointwiseFunctions() {
        check("exp", in -> in[0].exp(), randn(2, 5));
        check("log", in -> in[0].log(), uniform(0.5f, 3f, 2, 5));
        check("sqrt", in -> in[0].sqrt(), uniform(0.5f, 3f, 2, 5));
        check("tanh", in -> in[0].tanh(), randn(2, 5));
        check("sigmoid", in -> in[0].sigmoid(), randn(2, 5));
        check("gelu", in -> in[0].gelu(), randn(2, 5).mul(2f).detach().requiresGrad(true));
        // relu away from its kink: shift inputs to |x| >= 0.1
        Tensor x = randn(10);
        float[] d = x.data();
        for (int i = 0; i < d.length; i++) d[i] = d[i] >= 0 ? d[i] + 0.1f : d[i] - 0.1f;
        check("relu", in -> in[0].relu(), x);
    }

    @Test
    void reductions() {
        check("sum", in -> in[0].sum(), randn(3, 4));
        check("mean", in -> in[0].mean(), randn(3, 4));
        check("max", in -> in[0].max(), randn(3, 4));
        for (boolean keep : new boolean[] {true, false}) {
            check("sum dim 0 keep=" + keep, in -> in[0].sum(0, keep), randn(3, 4, 2));
            check("sum dim 1 keep=" + keep, in -> in[0].sum(1, keep), randn(3, 4, 2));
            check("mean dim -1 keep=" + keep, in -> in[0].mean(-1, keep), randn(3, 4, 2));
            check("max dim 1 keep=" + keep, in -> in[0].max(1, keep), randn(3, 4, 2));
        }
    }

    @Test
    void shapeOps() {
        check("reshape", in -> in[0].reshape(4, -1).mul(in[0].reshape(4, 3)), randn(2, 6));
        check("transpose", in -> in[0].transpose(0, 2), randn(2, 3, 4));
        check("permute", in -> in[0].permute(2, 0, 1), randn(2, 3, 4));
        check("slice", in -> in[0].slice(1, 1, 3), randn(2, 4, 3));
        check("concat dim 1", in -> Tensor.concat(1, in[0], in[1], in[0]), randn(2, 3), randn(2, 1));
        check("concat dim 0", in -> Tensor.concat(0, in[0], in[1]), randn(2, 3), randn(4, 3));
    }

    @Test
    void matmul() {
        check("2-D", in -> in[0].matmul(in[1]), randn(3, 5), randn(5, 4));
        check("batched", in -> in[0].matmul(in[1]), randn(2, 3, 5), randn(2, 5, 4));
        check("broadcast b over batch", in -> in[0].matmul(in[1]), randn(2, 3, 5), randn(5, 4));
        check("broadcast both", in -> in[0].matmul(in[1]), randn(2, 1, 3, 5), randn(4, 5, 2));
    }

    @Test
    void softmaxFamily() {
        check("softmax last", in -> in[0].softmax(-1), randn(3, 5));
        check("softmax dim 0", in -> in[0].softmax(0), randn(3, 5, 2));
        check("logSoftmax last", in -> in[0].logSoftmax(-1), randn(3, 5));
        check("logSoftmax dim 1", in -> in[0].logSoftmax(1), randn(2, 4, 3));
    }

    @Test
    void indexing() {
        check("gather dim 1", in -> in[0].gather(1, new int[] {0, 2, 4, 4, 1, 1}), randn(3, 5));
        check("gather dim 0", in -> in[0].gather(0, new int[] {1, 0, 2, 2, 0}), randn(3, 5));
        check("indexSelect rows (embedding)", in -> in[0].indexSelect(0, new int[] {3, 1, 3, 0}), randn(4, 3));
        check("indexSelect dim 1", in -> in[0].indexSelect(1, new int[] {2, 2, 0}), randn(2, 3, 2));
        Tensor causal = Tensor.of(new float[] {0, 1, 1, 0, 0, 1, 0, 0, 0}, 3, 3);
        check("maskedFill causal", in -> in[0].maskedFill(causal, -1e9f).softmax(-1), randn(2, 3, 3));
    }

    @Test
    void linearLayerNormAndEmbedding() {
        check("linear", in -> Linalg.linear(in[0], in[1], in[2]), randn(2, 3, 4), randn(5, 4), randn(5));
        check("linear without bias", in -> Linalg.linear(in[0], in[1], null), randn(3, 4), randn(2, 4));
        check("layerNorm", in -> Norm.layerNorm(in[0], in[1], in[2], 1e-5f), randn(2, 3, 6), randn(6), randn(6));
        check("layerNorm without affine", in -> Norm.layerNorm(in[0], null, null, 1e-5f), randn(4, 5));
        check("embedding", in -> Index.embedding(in[0], new int[] {2, 0, 2, 3}, -1), randn(4, 3));
    }

    @Test
    void embeddingLeavesThePaddingRowsGradientAtZero() {
        Tensor w = randn(4, 3);
        try (dev.minitape.core.Tape tape = dev.minitape.core.Tape.start()) {
            Index.embedding(w, new int[] {1, 0, 1, 2}, 1).sum().backward();
        }
        float[] g = w.grad().toArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0}, g);
    }

    @Test
    void dropoutUsesTheSameMaskForwardAndBackward() {
        check("dropout", in -> in[0].dropout(0.3f, new Rng(11)), randn(4, 6));
    }

    @Test
    void aSmallNetworkEndToEnd() {
        // A two-layer MLP with a bias broadcast, tanh, and a log-softmax NLL: the composition of many ops.
        int[] targets = {2, 0, 1, 2};
        check("mlp", in -> {
            Tensor h = in[0].matmul(in[1]).add(in[2]).tanh();
            Tensor logp = h.matmul(in[3]).logSoftmax(-1);
            return logp.gather(1, targets).mean().neg();
        }, randn(4, 5), randn(5, 6), randn(6), randn(6, 3));
    }
}
