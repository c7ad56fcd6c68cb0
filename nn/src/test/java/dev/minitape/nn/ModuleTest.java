package dev.minitape.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Module's bookkeeping (names, counts, modes, gradients, toString) and the Init functions. */
class ModuleTest {
    private static final int C = 8, H = 2;

    // ---- names and counts -----------------------------------------------------------------------------

    @Test
    void aDecoderBlockListsItsParametersByDottedNameInRegistrationOrder() {
        DecoderBlock block = new DecoderBlock(C, H, 0f, new Rng(1));
        List<String> names = new ArrayList<>(block.namedParameters().keySet());
        assertEquals(List.of(
                "ln1.weight", "ln1.bias",
                "self_attn.qkv.weight", "self_attn.qkv.bias", "self_attn.proj.weight", "self_attn.proj.bias",
                "ln2.weight", "ln2.bias",
                "cross_attn.q.weight", "cross_attn.q.bias", "cross_attn.kv.weight", "cross_attn.kv.bias",
                "cross_attn.proj.weight", "cross_attn.proj.bias",
                "ln3.weight", "ln3.bias",
                "mlp.fc.weight", "mlp.fc.bias", "mlp.proj.weight", "mlp.proj.bias"), names);
        Map<String, Parameter> p = block.namedParameters();
        assertArrayEquals(new int[] {3 * C, C}, p.get("self_attn.qkv.weight").shape());
        assertArrayEquals(new int[] {2 * C}, p.get("cross_attn.kv.bias").shape());
        assertArrayEquals(new int[] {4 * C, C}, p.get("mlp.fc.weight").shape());
        assertSame(block.mlp.fc.weight, p.get("mlp.fc.weight"));
        assertEquals(List.copyOf(p.values()), block.parameters());
    }

    @Test
    void parameterCountAddsEveryValueOnce() {
        // ln 2C, qkv 3C²+3C, proj C²+C, ln 2C, fc 4C²+4C, proj 4C²+C
        assertEquals(872, new TransformerBlock(C, H, 0f, new Rng(2)).parameterCount());
        // three ln, self 4C²+4C, cross (q C²+C, kv 2C²+2C, proj C²+C), mlp 8C²+5C
        assertEquals(1176, new DecoderBlock(C, H, 0f, new Rng(3)).parameterCount());
        assertEquals(6 * 4, new Linear(6, 4, false, new Rng(4)).parameterCount());
    }

    /** Registers one Parameter under two names, and a child Linear whose weight is registered again (tied). */
    private static final class Tied extends Module {
        final Parameter shared = new Parameter(new float[6], 2, 3);
        final Linear head;

        Tied() {
            parameter("a", shared);
            parameter("b", shared);
            head = module("head", new Linear(3, 5, true, new Rng(5)));
            parameter("tied", head.weight);
        }
    }

    @Test
    void aTiedParameterIsListedUnderEachNameButCountedOnce() {
        Tied m = new Tied();
        assertEquals(List.of("a", "b", "tied", "head.weight", "head.bias"), new ArrayList<>(m.namedParameters().keySet()));
        assertSame(m.namedParameters().get("a"), m.namedParameters().get("b"));
        assertEquals(6 + 15 + 5, m.parameterCount());
    }

    /** A module that registers whatever it is told to, for the name rules. */
    private static final class Registering extends Module {
        void param(String name) {
            parameter(name, new Parameter(new float[1], 1));
        }

        void child(String name) {
            module(name, new LayerNorm(2));
        }
    }

    @Test
    void aDuplicateOrDottedOrEmptyNameIsRejected() {
        Registering m = new Registering();
        m.param("w");
        m.child("ln");
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> m.param("w"));
        assertTrue(dup.getMessage().contains("'w'"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.child("w"));
        assertThrows(IllegalArgumentException.class, () -> m.param("ln"));
        assertThrows(IllegalArgumentException.class, () -> m.child("ln"));
        IllegalArgumentException dot = assertThrows(IllegalArgumentException.class, () -> m.param("a.b"));
        assertTrue(dot.getMessage().contains("'.'"), dot.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.child("x.y"));
        assertThrows(IllegalArgumentException.class, () -> m.param(""));
        assertEquals(List.of("w", "ln.weight", "ln.bias"), new ArrayList<>(m.namedParameters().keySet()));
    }

    // ---- modes ------------------------------------------------------------------------------------------

    private static List<Module> descendants(Module m) {
        List<Module> out = new ArrayList<>();
        for (Module child : m.children().values()) {
            out.add(child);
            out.addAll(descendants(child));
        }
        return out;
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        DecoderBlock block = new DecoderBlock(C, H, 0.5f, new Rng(6));
        List<Module> all = descendants(block);
        assertTrue(all.stream().filter(m -> m instanceof Dropout).count() >= 5, "the block's dropouts are among its descendants");
        assertTrue(block.isTraining() && all.stream().allMatch(Module::isTraining), "modules start in training mode");
        assertSame(block, block.eval());
        assertFalse(block.isTraining());
        assertTrue(all.stream().noneMatch(Module::isTraining), "eval() reaches every descendant");
        assertSame(block, block.train());
        assertTrue(all.stream().allMatch(Module::isTraining), "train() reaches every descendant");
    }

    @Test
    void dropoutDropsAndRescalesInTrainingAndIsTheIdentityInEval() {
        Dropout d = new Dropout(0.5f, new Rng(7));
        Tensor x = Tensor.ones(4000);
        float[] y = d.forward(x).toArray();
        int zeros = 0;
        for (float v : y) {
            assertTrue(v == 0f || v == 2f, "inverted dropout keeps 1/(1-p) = 2, got " + v);
            if (v == 0f) zeros++;
        }
        assertTrue(Math.abs(zeros / 4000.0 - 0.5) < 0.05, "about half dropped, got " + zeros);
        d.eval();
        assertArrayEquals(x.toArray(), d.forward(x).toArray(), 0f);
    }

    @Test
    void aBlockWithDropoutMatchesTheSameBlockWithoutItInEvalModeOnly() {
        // Dropout takes nothing from the Rng at construction, so both blocks get the same weights. What the
        // training output is (attention's dropout path, by hand) is AttentionTest's dropout-path test.
        TransformerBlock plain = new TransformerBlock(C, H, 0f, new Rng(8));
        TransformerBlock dropping = new TransformerBlock(C, H, 0.5f, new Rng(8));
        Tensor x = Tensor.randn(new Rng(9), 2, 4, C);
        float[] expected = plain.forward(x, null).toArray();
        assertFalse(Arrays.equals(expected, dropping.forward(x, null).toArray()), "training mode drops");
        dropping.eval();
        assertArrayEquals(expected, dropping.forward(x, null).toArray(), 0f);
        assertArrayEquals(expected, dropping.forward(x, null).toArray(), 0f);
    }

    // ---- gradients ----------------------------------------------------------------------------------------

    @Test
    void zeroGradZeroesEveryParametersGradient() {
        TransformerBlock block = new TransformerBlock(C, H, 0f, new Rng(10));
        try (Tape tape = Tape.start()) {
            block.forward(Tensor.randn(new Rng(11), 2, 3, C), null).pow(2f).sum().backward();
        }
        block.namedParameters().forEach((name, p) -> {
            assertNotNull(p.grad(), name + " got a gradient");
            assertTrue(maxAbs(p.grad().toArray()) > 0, name + " got a nonzero gradient");
        });
        block.zeroGrad();
        block.namedParameters().forEach((name, p) -> assertEquals(0f, maxAbs(p.grad().toArray()), name));
    }

    private static float maxAbs(float[] v) {
        float m = 0;
        for (float x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    // ---- toString ---------------------------------------------------------------------------------------

    @Test
    void toStringIsAReadableTree() {
        String s = new TransformerBlock(C, H, 0.1f, new Rng(12)).toString();
        List<String> lines = s.lines().toList();
        assertEquals("TransformerBlock", lines.get(0));
        assertEquals("  ln1: LayerNorm(8, eps=1.0E-5)", lines.get(1));
        assertEquals("    weight [8]", lines.get(2));
        assertEquals("    bias [8]", lines.get(3));
        assertEquals("  attn: MultiHeadAttention(self, dim=8, heads=2)", lines.get(4));
        assertTrue(lines.contains("    qkv: Linear(in=8, out=24, bias=true)"), s);
        assertTrue(lines.contains("      weight [24, 8]"), s);
        assertTrue(lines.contains("    attn_dropout: Dropout(p=0.1)"), s);
        assertTrue(lines.contains("  mlp: Mlp"), s);
        assertTrue(lines.contains("    fc: Linear(in=8, out=32, bias=true)"), s);
        assertEquals("parameters: 872", lines.get(lines.size() - 1));
        assertTrue(new MultiHeadAttention(C, H, 0f, MultiHeadAttention.Kind.CROSS, new Rng(14)).toString()
                .startsWith("MultiHeadAttention(cross, dim=8, heads=2)\n"));
        assertTrue(new Embedding(10, 4, 0, new Rng(13)).toString().startsWith("Embedding(10×4, padding=0)\n  weight [10, 4]\n"));
    }

    // ---- Init ---------------------------------------------------------------------------------------------

    /** Max |(AᵀA − g²I)_ij| for A viewed as (rows, cols) when tall (columns orthonormal), or of AAᵀ when wide. */
    private static double orthogonalityError(Tensor t, double gain) {
        int rows = t.size(0), cols = t.numel() / rows;
        float[] a = t.data();
        boolean wide = rows < cols;
        int n = wide ? rows : cols, k = wide ? cols : rows;
        double err = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int l = 0; l < k; l++) {
                    dot += wide ? (double) a[i * cols + l] * a[j * cols + l] : (double) a[l * cols + i] * a[l * cols + j];
                }
                err = Math.max(err, Math.abs(dot - (i == j ? gain * gain : 0)));
            }
        }
        return err;
    }

    @Test
    void orthogonalGivesOrthonormalColumnsWhenTallAndRowsWhenWide() {
        for (int[] shape : new int[][] {{6, 4}, {5, 5}, {3, 7}, {4, 2, 3}}) {
            Tensor t = Tensor.zeros(shape);
            Init.orthogonal(t, 1.0, new Rng(14));
            assertTrue(orthogonalityError(t, 1.0) < 1e-6, Arrays.toString(shape) + ": " + orthogonalityError(t, 1.0));
        }
        Tensor g = Tensor.zeros(6, 4);
        Init.orthogonal(g, 2.0, new Rng(15));
        assertTrue(orthogonalityError(g, 2.0) < 4e-6, "gain 2: QᵀQ = 4I, error " + orthogonalityError(g, 2.0));
        assertThrows(IllegalArgumentException.class, () -> Init.orthogonal(Tensor.zeros(4), 1.0, new Rng(1)));
    }

    @Test
    void orthogonalIsSeeded() {
        Tensor a = Tensor.zeros(5, 3), b = Tensor.zeros(5, 3), c = Tensor.zeros(5, 3);
        Init.orthogonal(a, 1.0, new Rng(16));
        Init.orthogonal(b, 1.0, new Rng(16));
        Init.orthogonal(c, 1.0, new Rng(17));
        assertArrayEquals(a.toArray(), b.toArray(), 0f);
        assertFalse(Arrays.equals(a.toArray(), c.toArray()));
    }

    /** Asserts every value is within ±bound, the extremes come close to it, and the variance is about bound²/3. */
    private static void assertUniform(Tensor t, double bound, String what) {
        float[] d = t.data();
        double sum = 0, sq = 0, max = 0;
        for (float v : d) {
            assertTrue(Math.abs(v) <= bound, what + ": " + v + " is outside ±" + bound);
            max = Math.max(max, Math.abs(v));
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / d.length, var = sq / d.length - mean * mean, expected = bound * bound / 3;
        assertTrue(max > 0.99 * bound, what + ": largest |value| " + max + " should approach " + bound);
        assertTrue(Math.abs(mean) < 0.02 * bound, what + ": mean " + mean);
        assertTrue(Math.abs(var / expected - 1) < 0.03, what + ": variance " + var + ", expected " + expected);
    }

    @Test
    void kaimingUniformStaysWithinItsBoundWithTheRightVariance() {
        Tensor t = Tensor.zeros(200, 300);                                  // fan_in 300
        Init.kaimingUniform(t, Math.sqrt(5), new Rng(18));
        assertUniform(t, 1 / Math.sqrt(300), "kaimingUniform a=√5");
        Init.kaimingUniform(t, 0, new Rng(19));
        assertUniform(t, Math.sqrt(6.0 / 300), "kaimingUniform a=0");
        Tensor conv = Tensor.zeros(64, 20, 3, 3);                           // fan_in 20·3·3 = 180
        Init.kaimingUniform(conv, 0, new Rng(20));
        assertUniform(conv, Math.sqrt(6.0 / 180), "kaimingUniform (64, 20, 3, 3)");
    }

    @Test
    void xavierUniformStaysWithinItsBoundWithTheRightVariance() {
        Tensor t = Tensor.zeros(200, 300);
        Init.xavierUniform(t, 1.0, new Rng(21));
        assertUniform(t, Math.sqrt(6.0 / 500), "xavierUniform gain 1");
        Init.xavierUniform(t, 2.0, new Rng(22));
        assertUniform(t, 2 * Math.sqrt(6.0 / 500), "xavierUniform gain 2");
    }

    @Test
    void normalInitsHaveTheRightStandardDeviation() {
        Tensor t = Tensor.zeros(200, 300);
        Init.kaimingNormal(t, 0, new Rng(23));
        assertStd(t, Math.sqrt(2.0 / 300), "kaimingNormal");
        Init.xavierNormal(t, 1.0, new Rng(24));
        assertStd(t, Math.sqrt(2.0 / 500), "xavierNormal");
    }

    private static void assertStd(Tensor t, double std, String what) {
        double sq = 0;
        for (float v : t.data()) sq += (double) v * v;
        double actual = Math.sqrt(sq / t.numel());
        assertTrue(Math.abs(actual / std - 1) < 0.02, what + ": std " + actual + ", expected " + std);
    }

    @Test
    void linearDefaultInitIsUniformWithinOneOverRootIn() {
        Linear lin = new Linear(50, 400, true, new Rng(25));
        double bound = 1 / Math.sqrt(50);
        assertUniform(lin.weight, bound, "Linear weight");
        for (float v : lin.bias.data()) assertTrue(Math.abs(v) <= bound, "bias " + v + " is outside ±" + bound);
        assertTrue(maxAbs(lin.bias.data()) > 0.9 * bound, "bias values should spread to ±1/√in");
    }

    @Test
    void embeddingPaddingRowStartsAtZero() {
        Embedding e = new Embedding(6, 4, 2, new Rng(26));
        float[] w = e.weight.data();
        for (int i = 0; i < 6 * 4; i++) {
            if (i / 4 == 2) assertEquals(0f, w[i]);
        }
        assertTrue(maxAbs(w) > 0);
    }
}
