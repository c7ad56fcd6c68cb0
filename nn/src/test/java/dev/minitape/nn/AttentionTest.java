package dev.minitape.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.nn.MultiHeadAttention.Causality;
import dev.minitape.nn.MultiHeadAttention.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * What attention's masks and cache promise: the causal mask hides the future (on the fused path and, with
 * attention dropout on, on the composite one), the incremental (cached) path equals the full pass, key
 * padding hides padded positions, a query whose keys are all masked still gets finite outputs, and the
 * dropout path computes attention with its dropout masks as written by hand.
 */
class AttentionTest {
    private static final int C = 8, H = 2;

    // ---- (a) the causal mask ----------------------------------------------------------------------------

    @Test
    void changingALaterTokenLeavesEarlierOutputsOfATransformerBlockExactlyUnchanged() {
        TransformerBlock block = new TransformerBlock(C, H, 0f, new Rng(1));
        assertALaterTokenReachesOnlyItsOwnAndLaterOutputs(x -> block.forward(x, null), null,
                Tensor.randn(new Rng(2), 2, 6, C), 4, new Rng(3));
    }

    // With attention dropout on (training), attention runs the composite path, not the fused op, so its
    // mask is checked again there. Dropout's masks depend only on its Rng's state, never on the values, and
    // the composite's masked scores are −1e9 whatever the later keys hold, so their weights are exactly 0
    // and add exactly nothing: the earlier rows are computed from bit-identical numbers in the same order.

    @Test
    void withAttentionDropoutOnChangingALaterTokenLeavesEarlierOutputsOfATransformerBlockExactlyUnchanged() {
        Rng drops = new Rng(25);
        TransformerBlock block = new TransformerBlock(C, H, 0.1f, new Rng(26), drops);
        Tensor x = Tensor.randn(new Rng(27), 2, 6, C);
        for (int changed = 1; changed < 6; changed++) {
            assertALaterTokenReachesOnlyItsOwnAndLaterOutputs(t -> block.forward(t, null), drops, x, changed, new Rng(28));
        }
    }

    @Test
    void withAttentionDropoutOnChangingALaterTokenLeavesEarlierOutputsOfADecoderBlockExactlyUnchanged() {
        Rng drops = new Rng(29);
        DecoderBlock block = new DecoderBlock(C, H, 0.1f, new Rng(30), drops);
        Tensor x = Tensor.randn(new Rng(31), 2, 6, C), memory = Tensor.randn(new Rng(32), 2, 4, C);
        Tensor padding = Tensor.of(new float[] {0, 0, 0, 1, 0, 0, 0, 0}, 2, 4);
        for (int changed = 1; changed < 6; changed++) {
            assertALaterTokenReachesOnlyItsOwnAndLaterOutputs(t -> block.forward(t, memory, padding, null, null), drops, x,
                    changed, new Rng(33));
        }
    }

    // ---- (b) the cached incremental path ---------------------------------------------------------------

    @Test
    void transformerBlockOneTokenAtATimeWithACacheEqualsTheFullPass() {
        TransformerBlock block = new TransformerBlock(C, H, 0f, new Rng(4));
        int t = 6;
        Tensor x = Tensor.randn(new Rng(5), 2, t, C);
        try (var off = Tape.noGrad()) {
            Tensor full = block.forward(x, null);
            KvCache cache = new KvCache();
            for (int i = 0; i < t; i++) {
                Tensor step = block.forward(x.slice(1, i, i + 1), cache);
                assertEquals(i + 1, cache.length());
                assertClose(full.slice(1, i, i + 1), step, 1e-5, "token " + i);
            }
        }
    }

    @Test
    void transformerBlockPrefillThenSingleTokensEqualsTheFullPass() {
        TransformerBlock block = new TransformerBlock(C, H, 0f, new Rng(6));
        int t = 6, prefill = 3;
        Tensor x = Tensor.randn(new Rng(7), 2, t, C);
        try (var off = Tape.noGrad()) {
            Tensor full = block.forward(x, null);
            KvCache cache = new KvCache();
            assertClose(full.slice(1, 0, prefill), block.forward(x.slice(1, 0, prefill), cache), 1e-5, "prefill");
            for (int i = prefill; i < t; i++) {
                assertClose(full.slice(1, i, i + 1), block.forward(x.slice(1, i, i + 1), cache), 1e-5, "token " + i);
            }
        }
    }

    @Test
    void decoderBlockOneTokenAtATimeWithSelfAndCrossCachesEqualsTheFullPass() {
        DecoderBlock block = new DecoderBlock(C, H, 0f, new Rng(8));
        int t = 5, s = 4;
        Tensor x = Tensor.randn(new Rng(9), 2, t, C), memory = Tensor.randn(new Rng(10), 2, s, C);
        Tensor padding = Tensor.of(new float[] {0, 0, 1, 1, 0, 0, 0, 0}, 2, s);
        try (var off = Tape.noGrad()) {
            Tensor full = block.forward(x, memory, padding, null, null);
            KvCache self = new KvCache(), cross = new KvCache();
            for (int i = 0; i < t; i++) {
                Tensor step = block.forward(x.slice(1, i, i + 1), memory, padding, self, cross);
                assertEquals(i + 1, self.length());
                assertEquals(s, cross.length());
                assertClose(full.slice(1, i, i + 1), step, 1e-5, "token " + i);
            }
        }
    }

    // ---- (c) key padding --------------------------------------------------------------------------------

    @Test
    void changingPaddedSourcePositionsLeavesEncoderOutputsAtUnpaddedPositionsUnchanged() {
        EncoderBlock block = new EncoderBlock(C, H, 0f, new Rng(11));
        int s = 5;
        float[] pad = {0, 0, 0, 1, 1, 0, 0, 0, 0, 1};
        Tensor padding = Tensor.of(pad, 2, s);
        Tensor x = Tensor.randn(new Rng(12), 2, s, C);
        Tensor x2 = withPositionsReplaced(x, new Rng(13), null, pad);
        float[][] a = rows(block.forward(x, padding)), b = rows(block.forward(x2, padding));
        for (int row = 0; row < pad.length; row++) {
            if (pad[row] == 0) assertArrayEquals(a[row], b[row], 0f, "unpadded row " + row + " saw padded content");
            else assertFalse(Arrays.equals(a[row], b[row]), "padded row " + row + " was changed, so its own output changes");
        }
        // Without the mask, the same change does reach the unpadded positions.
        assertFalse(Arrays.deepEquals(rows(block.forward(x, null)), rows(block.forward(x2, null))));
    }

    @Test
    void changingPaddedMemoryPositionsLeavesADecoderBlockOutputUnchanged() {
        DecoderBlock block = new DecoderBlock(C, H, 0f, new Rng(14));
        int t = 4, s = 5;
        float[] pad = {0, 0, 0, 1, 1, 0, 0, 0, 0, 1};
        Tensor padding = Tensor.of(pad, 2, s);
        Tensor x = Tensor.randn(new Rng(15), 2, t, C), memory = Tensor.randn(new Rng(16), 2, s, C);
        Tensor memory2 = withPositionsReplaced(memory, new Rng(17), null, pad);
        assertArrayEquals(block.forward(x, memory, padding, null, null).toArray(),
                block.forward(x, memory2, padding, null, null).toArray(), 0f);
        assertFalse(Arrays.equals(block.forward(x, memory, null, null, null).toArray(),
                block.forward(x, memory2, null, null, null).toArray()), "without the mask the change must show");
    }

    // ---- (d) all keys masked ----------------------------------------------------------------------------

    @Test
    void aQueryWhoseKeysAreAllMaskedGetsFiniteOutputsAndGradients() {
        // Cross-attention where batch 1's memory is all padding, and self-attention where key 0 is padding
        // and the causal mask hides every other key from query 0.
        MultiHeadAttention cross = new MultiHeadAttention(C, H, 0f, Kind.CROSS, new Rng(18));
        MultiHeadAttention self = new MultiHeadAttention(C, H, 0f, Kind.SELF, new Rng(19));
        Tensor x = Tensor.randn(new Rng(20), 2, 3, C).requiresGrad(true);
        Tensor memory = Tensor.randn(new Rng(21), 2, 4, C).requiresGrad(true);
        try (Tape tape = Tape.start()) {
            Tensor a = cross.crossAttention(x, memory, Tensor.of(new float[] {0, 0, 1, 0, 1, 1, 1, 1}, 2, 4), null);
            Tensor b = self.selfAttention(x, Causality.CAUSAL, Tensor.of(new float[] {1, 0, 0, 0, 0, 0}, 2, 3));
            assertAllFinite(a.toArray(), "cross-attention output");
            assertAllFinite(b.toArray(), "self-attention output");
            a.sum().add(b.sum()).backward();
        }
        assertAllFinite(x.grad().toArray(), "grad of x");
        assertAllFinite(memory.grad().toArray(), "grad of memory");
        for (var e : cross.namedParameters().entrySet()) assertAllFinite(e.getValue().grad().toArray(), "cross " + e.getKey());
        for (var e : self.namedParameters().entrySet()) assertAllFinite(e.getValue().grad().toArray(), "self " + e.getKey());
    }

    @Test
    void aLayerCalledForTheOtherKindOfAttentionSaysWhichMethodToCall() {
        MultiHeadAttention cross = new MultiHeadAttention(C, H, 0f, Kind.CROSS, new Rng(22));
        MultiHeadAttention self = new MultiHeadAttention(C, H, 0f, Kind.SELF, new Rng(23));
        Tensor x = Tensor.randn(new Rng(24), 1, 3, C);
        var e = assertThrows(IllegalArgumentException.class, () -> cross.selfAttention(x, Causality.CAUSAL, (Tensor) null));
        assertTrue(e.getMessage().contains("built for cross-attention; call crossAttention"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> self.crossAttention(x, x, null, null));
        assertTrue(e.getMessage().contains("built for self-attention; call selfAttention"), e.getMessage());
    }

    @Test
    void zeroHeadsOrAWidthTheHeadsDoNotDivideAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(C, 0, 0f, Kind.SELF, new Rng(25)));
        assertEquals("MultiHeadAttention: width 8 is not divisible by 0 heads", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(10, 3, 0f, Kind.CROSS, new Rng(25)));
        assertEquals("MultiHeadAttention: width 10 is not divisible by 3 heads", e.getMessage());
    }

    @Test
    void aCacheInTrainingWithAttentionDropoutIsRefused() {
        MultiHeadAttention attn = new MultiHeadAttention(C, H, 0.1f, Kind.SELF, new Rng(26));
        Tensor x = Tensor.randn(new Rng(27), 1, 3, C);
        var e = assertThrows(IllegalArgumentException.class, () -> attn.selfAttention(x, Causality.CAUSAL, new KvCache()));
        assertEquals("MultiHeadAttention: a KV cache is for inference; call eval() first", e.getMessage());
    }

    @Test
    void aCrossAttentionCacheProjectsTheMemoryOnce() {
        MultiHeadAttention cross = new MultiHeadAttention(C, H, 0f, Kind.CROSS, new Rng(28));
        Tensor memory = Tensor.randn(new Rng(29), 1, 4, C);
        KvCache cache = new KvCache();
        cross.crossAttention(Tensor.randn(new Rng(30), 1, 1, C), memory, null, cache);
        Tensor projected = cache.keys;
        cross.crossAttention(Tensor.randn(new Rng(31), 1, 1, C), memory, null, cache);
        assertSame(projected, cache.keys, "the memory's keys and values are computed on the first step only");
    }

    // ---- (e) the dropout path's values ----------------------------------------------------------------

    /**
     * In training with attention dropout p, self-attention is softmax(masked q·kᵀ/√hd), each weight then
     * zeroed or scaled by 1/(1 − p), times v; then proj and the residual dropout. Computed here by hand, in
     * double, from the layer's own weights and with the dropout masks its Rng draws (which elements are kept
     * is read back by dropping ones from the same Rng state: first the attention weights (B, H, T, T), then
     * the output (B, T, C)); the scale of the kept ones and the mask are the test's own. Key 0 of batch entry
     * 0 is padding, so its query 0 sees no key and attends to nothing. The layer computes in float: its
     * outputs (|y| ≤ 1.05) differ from the double ones by about two float ulps (at most 1.5e-7 seen on either
     * kernel tier; the largest is printed), so 5e-7.
     */
    @Test
    void theDropoutPathIsTheMaskedSoftmaxWithItsWeightsDroppedAndRescaledTimesV() {
        assertDropoutPathIsByHand(new float[] {1, 0, 0, 0, 0, 0, 0, 0, 1, 0});
    }

    /**
     * The same with batch entry 0 all padding: its every query attends to nothing, including the last, whose
     * mask row is followed by batch entry 1's first, visible, key.
     */
    @Test
    void theDropoutPathGivesNothingToEveryQueryOfAnAllPaddingEntry() {
        assertDropoutPathIsByHand(new float[] {1, 1, 1, 1, 1, 0, 0, 0, 0, 0});
    }

    private static void assertDropoutPathIsByHand(float[] padding) {
        int b = 2, t = 5;
        float p = 0.3f;
        Rng drops = new Rng(34);
        MultiHeadAttention attn = new MultiHeadAttention(C, H, p, Kind.SELF, new Rng(35), drops);
        Tensor x = Tensor.randn(new Rng(36), b, t, C);
        Rng replay = new Rng(drops.state());
        float[] keptWeights = Tensor.ones(b, H, t, t).dropout(p, replay).toArray(), keptOutputs = Tensor.ones(b, t, C).dropout(p, replay).toArray();
        float[] y = attn.selfAttention(x, Causality.CAUSAL, Tensor.of(padding, b, t)).toArray();

        double scale = 1 / (1 - (double) p), worst = 0;
        double[] heads = causalAttentionByHand(attn.namedParameters(), x, padding, keptWeights, scale);
        var proj = attn.proj;
        double[] out = linear(heads, b * t, C, proj.weight.data(), proj.bias.data(), C);
        for (int at = 0; at < y.length; at++) {
            double expected = keptOutputs[at] == 0f ? 0 : out[at] * scale;
            worst = Math.max(worst, Math.abs(y[at] - expected));
            assertEquals(expected, y[at], 5e-7, "output " + Arrays.toString(LayerFixtures.unflatten(at, new int[] {b, t, C})));
        }
        System.out.printf("AttentionTest  dropout path vs by hand in double: max |diff| %.3g%n", worst);
    }

    /**
     * The heads of causal self-attention, concatenated (B, T, C), in double from x (B, T, C) and the layer's
     * qkv weights: query i sees key j ≤ i unless padding[b·T + j] is 1; its weights are the softmax over the
     * keys it sees, each times {@code scale} if kept[((b·H + h)·T + i)·T + j] is nonzero, else 0; a query that
     * sees no key gives 0.
     */
    private static double[] causalAttentionByHand(Map<String, Parameter> params, Tensor x, float[] padding,
                                                  float[] kept, double scale) {
        int b = x.size(0), t = x.size(1), hd = C / H;
        double[] qkv = linear(toDoubles(x.toArray()), b * t, C, params.get("qkv.weight").data(), params.get("qkv.bias").data(), 3 * C);
        double[] heads = new double[b * t * C];
        for (int bi = 0; bi < b; bi++) {
            for (int h = 0; h < H; h++) {
                for (int i = 0; i < t; i++) {
                    int q = (bi * t + i) * 3 * C + h * hd;                        // q_i of head h; k_j at +C, v_j at +2C
                    double[] w = new double[t];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j <= i; j++) {
                        if (padding[bi * t + j] != 0f) continue;
                        int k = (bi * t + j) * 3 * C + C + h * hd;
                        for (int d = 0; d < hd; d++) w[j] += qkv[q + d] * qkv[k + d] / Math.sqrt(hd);
                        max = Math.max(max, w[j]);
                    }
                    for (int j = 0; j <= i; j++) if (padding[bi * t + j] == 0f) sum += w[j] = Math.exp(w[j] - max);
                    for (int j = 0; j <= i; j++) {
                        if (padding[bi * t + j] != 0f || kept[((bi * H + h) * t + i) * t + j] == 0f) continue;
                        int v = (bi * t + j) * 3 * C + 2 * C + h * hd;
                        for (int d = 0; d < hd; d++) heads[(bi * t + i) * C + h * hd + d] += w[j] / sum * scale * qkv[v + d];
                    }
                }
            }
        }
        return heads;
    }

    /** x (n, in)·wᵀ + b in double, w (out, in). */
    private static double[] linear(double[] x, int n, int in, float[] w, float[] bias, int out) {
        double[] y = new double[n * out];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double s = bias[o];
                for (int k = 0; k < in; k++) s += x[r * in + k] * w[o * in + k];
                y[r * out + o] = s;
            }
        }
        return y;
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /**
     * Runs forward on x and on x with position {@code changed} replaced (in every batch entry), with the dropout
     * Rng (null: none) in the same state both times, and asserts that every output before {@code changed} is
     * exactly equal (tolerance 0) and every output from it on differs.
     */
    private static void assertALaterTokenReachesOnlyItsOwnAndLaterOutputs(UnaryOperator<Tensor> forward, Rng drops,
                                                                         Tensor x, int changed, Rng replacement) {
        int b = x.size(0), t = x.size(1);
        Tensor x2 = withPositionsReplaced(x, replacement, new int[] {changed}, null);
        long state = drops == null ? 0 : drops.state();
        float[][] before = rows(forward.apply(x));
        if (drops != null) drops.setState(state);
        float[][] after = rows(forward.apply(x2));
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < t; i++) {
                int row = bi * t + i;
                if (i < changed) {
                    assertArrayEquals(before[row], after[row], 0f, "batch " + bi + " position " + i + " saw position " + changed);
                } else {
                    assertFalse(Arrays.equals(before[row], after[row]), "batch " + bi + " position " + i + " should depend on position " + changed);
                }
            }
        }
    }

    /** A copy of x (B, T, C) whose rows at the given positions (in every batch), or where pad[b·T + t] = 1, are new random values. */
    private static Tensor withPositionsReplaced(Tensor x, Rng rng, int[] positions, float[] pad) {
        int b = x.size(0), t = x.size(1), c = x.size(2);
        float[] d = x.toArray();
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < t; i++) {
                boolean replace = pad != null ? pad[bi * t + i] != 0 : contains(positions, i);
                if (replace) for (int k = 0; k < c; k++) d[(bi * t + i) * c + k] = 3 * rng.nextGaussian();
            }
        }
        return Tensor.of(d, b, t, c);
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) if (x == v) return true;
        return false;
    }

    /** (B, T, C) as B·T rows of C. */
    private static float[][] rows(Tensor y) {
        int c = y.size(y.dim() - 1), n = y.numel() / c;
        float[] d = y.toArray();
        float[][] r = new float[n][];
        for (int i = 0; i < n; i++) r[i] = Arrays.copyOfRange(d, i * c, (i + 1) * c);
        return r;
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toArray(), a = actual.toArray();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= tol)) bad.add(i + ": full " + e[i] + ", cached " + a[i]);
        }
        assertTrue(bad.isEmpty(), what + ": " + bad.size() + " element(s) differ by more than " + tol + ": " + bad);
    }

    private static void assertAllFinite(float[] v, String what) {
        for (int i = 0; i < v.length; i++) assertTrue(Float.isFinite(v[i]), what + " element " + i + " is " + v[i]);
    }
}
