package dev.minitape.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.GradCheck;
import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import dev.minitape.nn.MultiHeadAttention.Causality;
import dev.minitape.nn.MultiHeadAttention.Kind;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every layer's tape gradients against central finite differences (GradCheck, h = 1e-2, float32
 * forward), w.r.t. its input(s) and a few of its parameters, at small sizes: B = 2, T = 3, S = 4, C = 4,
 * H = 2 (LayerNorm also at the odd width 7). Tolerance |analytic − numeric| ≤ 1e-3 + 1e-2·|numeric|, as
 * core's op checks.
 */
class LayersGradCheckTest {
    private static final double ATOL = 1e-3, RTOL = 1e-2;
    private static final int B = 2, T = 3, S = 4, C = 4, H = 2;
    /** Padding (B, S) with 1 at padded positions: one row partly padded, one not. */
    private static final Tensor MEMORY_PADDING = Tensor.of(new float[] {0, 0, 1, 1, 0, 0, 0, 0}, B, S);
    /** Padding (B, T) for self-attention. */
    private static final Tensor KEY_PADDING = Tensor.of(new float[] {0, 1, 0, 0, 0, 1}, B, T);

    private static Tensor input(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), shape).requiresGrad(true);
    }

    private static void check(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.Report r = GradCheck.check(f, inputs);
        System.out.printf("LayersGradCheckTest  %-48s %s%n", what, r);
        assertTrue(r.passed(ATOL, RTOL), what + ": " + r);
    }

    /** LayerNorm gains and biases start at 1 and 0; random ones make their gradients less special. */
    private static void randomizeLayerNorms(Module m, Rng rng) {
        m.namedParameters().forEach((name, p) -> {
            if (m instanceof LayerNorm || name.matches("(.*\\.)?ln\\d\\.(weight|bias)")) {
                float[] d = p.data();
                for (int i = 0; i < d.length; i++) d[i] = (name.endsWith("weight") ? 1f : 0f) + 0.3f * rng.nextGaussian();
            }
        });
    }

    @Test
    void linear() {
        Linear lin = new Linear(C, 3, true, new Rng(1));
        check("Linear", in -> lin.forward(in[0]), input(2, B, T, C), lin.weight, lin.bias);
    }

    @Test
    void layerNorm() {
        LayerNorm ln = new LayerNorm(C);
        randomizeLayerNorms(ln, new Rng(3));
        check("LayerNorm", in -> ln.forward(in[0]), input(4, B, T, C), ln.weight, ln.bias);
    }

    /** Width 7 leaves a tail after the kernel's four-chain sums and its two-chain backward. */
    @Test
    void layerNormAtAnOddWidth() {
        LayerNorm ln = new LayerNorm(7);
        randomizeLayerNorms(ln, new Rng(22));
        check("LayerNorm width 7", in -> ln.forward(in[0]), input(23, B, T, 7), ln.weight, ln.bias);
    }

    @Test
    void mlp() {
        Mlp mlp = new Mlp(C, 8, 0f, new Rng(5));
        check("Mlp", in -> mlp.forward(in[0]), input(6, B, T, C), mlp.fc.weight, mlp.proj.bias);
    }

    @Test
    void selfAttentionCausalWithKeyPadding() {
        MultiHeadAttention attn = new MultiHeadAttention(C, H, 0f, Kind.SELF, new Rng(7));
        var p = attn.namedParameters();
        check("MultiHeadAttention self, causal + key padding", in -> attn.selfAttention(in[0], Causality.CAUSAL, KEY_PADDING),
                input(8, B, T, C), p.get("qkv.weight"), p.get("proj.weight"));
    }

    @Test
    void crossAttentionWithMemoryPadding() {
        MultiHeadAttention attn = new MultiHeadAttention(C, H, 0f, Kind.CROSS, new Rng(9));
        var p = attn.namedParameters();
        check("MultiHeadAttention cross, memory padding", in -> attn.crossAttention(in[0], in[1], MEMORY_PADDING, null),
                input(10, B, T, C), input(11, B, S, C), p.get("q.weight"), p.get("kv.weight"), p.get("kv.bias"));
    }

    @Test
    void transformerBlock() {
        TransformerBlock block = new TransformerBlock(C, H, 0f, new Rng(12));
        randomizeLayerNorms(block, new Rng(13));
        var p = block.namedParameters();
        check("TransformerBlock", in -> block.forward(in[0], null), input(14, B, T, C),
                p.get("ln1.weight"), p.get("attn.qkv.weight"), p.get("mlp.fc.bias"));
    }

    @Test
    void encoderBlockWithPadding() {
        EncoderBlock block = new EncoderBlock(C, H, 0f, new Rng(15));
        randomizeLayerNorms(block, new Rng(16));
        var p = block.namedParameters();
        check("EncoderBlock", in -> block.forward(in[0], MEMORY_PADDING), input(17, B, S, C),
                p.get("attn.qkv.bias"), p.get("ln2.bias"), p.get("mlp.proj.weight"));
    }

    @Test
    void decoderBlockWithMemoryPadding() {
        DecoderBlock block = new DecoderBlock(C, H, 0f, new Rng(18));
        randomizeLayerNorms(block, new Rng(19));
        var p = block.namedParameters();
        check("DecoderBlock", in -> block.forward(in[0], in[1], MEMORY_PADDING, null, null), input(20, B, T, C),
                input(21, B, S, C), p.get("self_attn.qkv.weight"), p.get("cross_attn.kv.weight"), p.get("ln3.weight"));
    }
}
