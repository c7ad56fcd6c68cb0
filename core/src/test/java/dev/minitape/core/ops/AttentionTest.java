package dev.minitape.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.GradCheck;
import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import org.junit.jupiter.api.Test;

/** The fused attention op against the same formula written with tensor ops, and finite differences. */
class AttentionTest {
    private final Rng rng = new Rng(17);

    /** softmax(Q·Kᵀ/√hd + mask)·V with heads split by reshape/permute, from basic ops. */
    private static Tensor reference(Tensor q, Tensor k, Tensor v, int heads, boolean causal, int past, float[] pad) {
        int b = q.size(0), t = q.size(1), s = k.size(1), c = q.size(2), hd = c / heads;
        Tensor qh = q.reshape(b, t, heads, hd).permute(0, 2, 1, 3);
        Tensor kh = k.reshape(b, s, heads, hd).permute(0, 2, 1, 3);
        Tensor vh = v.reshape(b, s, heads, hd).permute(0, 2, 1, 3);
        float[] hidden = new float[b * t * s];
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < s; j++) {
                    if (causal && j > past + i || pad != null && pad[bi * s + j] != 0) hidden[(bi * t + i) * s + j] = 1;
                }
            }
        }
        Tensor scores = qh.matmul(kh.transpose(2, 3)).mul((float) (1 / Math.sqrt(hd)));
        Tensor p = scores.maskedFill(new Tensor(hidden, b, 1, t, s), -1e9f).softmax(-1);
        return p.matmul(vh).permute(0, 2, 1, 3).reshape(b, t, c);
    }

    @Test
    void matchesTheCompositeFormulaWithCausalMasksPaddingAndAnOffset() {
        int b = 2, t = 3, s = 5, c = 8, heads = 2;
        Tensor q = Tensor.randn(rng, b, t, c), k = Tensor.randn(rng, b, s, c), v = Tensor.randn(rng, b, s, c);
        float[] pad = {0, 0, 0, 1, 0, 0, 1, 0, 0, 0};
        for (int past : new int[] {0, 2}) {
            Tensor fused = Attention.multiHead(q, 0, k, 0, v, 0, heads, c, true, past, new Tensor(pad, b, s));
            assertArrayEquals(reference(q, k, v, heads, true, past, pad).toArray(), fused.toArray(), 1e-5f, "past " + past);
        }
        Tensor open = Attention.multiHead(q, 0, k, 0, v, 0, heads, c, false, 0, null);
        assertArrayEquals(reference(q, k, v, heads, false, 0, null).toArray(), open.toArray(), 1e-5f);
    }

    /**
     * Long enough that the kernel's products run on full matmul tiles and strips with ragged edges, and its
     * softmax packs rows of different lengths (causal) and skips padded keys.
     */
    @Test
    void matchesTheCompositeFormulaAndItsGradientsOnALongSequence() {
        int b = 2, t = 67, s = 67, c = 12, heads = 3;
        float[] pad = new float[b * s];
        pad[5] = pad[s + 40] = 1;
        for (boolean causal : new boolean[] {true, false}) {
            Tensor[] fusedIn = {Tensor.randn(rng, b, t, c), Tensor.randn(rng, b, s, c), Tensor.randn(rng, b, s, c)};
            Tensor[] refIn = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                fusedIn[i].requiresGrad(true);
                refIn[i] = new Tensor(fusedIn[i].toArray(), fusedIn[i].shape()).requiresGrad(true);
            }
            Tensor upstream = Tensor.randn(rng, b, t, c);
            float[] fused, ref;
            try (Tape tape = Tape.start()) {
                Tensor y = Attention.multiHead(fusedIn[0], 0, fusedIn[1], 0, fusedIn[2], 0, heads, c, causal, 0, new Tensor(pad, b, s));
                fused = y.toArray();
                y.mul(upstream).sum().backward();
            }
            try (Tape tape = Tape.start()) {
                Tensor y = reference(refIn[0], refIn[1], refIn[2], heads, causal, 0, pad);
                ref = y.toArray();
                y.mul(upstream).sum().backward();
            }
            assertArrayEquals(ref, fused, 1e-5f, "causal " + causal);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(refIn[i].grad().toArray(), fusedIn[i].grad().toArray(), 1e-4f, "gradient " + "qkv".charAt(i));
            }
        }
    }

    @Test
    void readsColumnBlocksOfAFusedProjection() {
        int b = 2, t = 4, c = 6, heads = 3;
        Tensor qkv = Tensor.randn(rng, b, t, 3 * c);
        Tensor fused = Attention.multiHead(qkv, 0, qkv, c, qkv, 2 * c, heads, c, true, 0, null);
        Tensor ref = reference(qkv.slice(2, 0, c), qkv.slice(2, c, 2 * c), qkv.slice(2, 2 * c, 3 * c), heads, true, 0, null);
        assertArrayEquals(ref.toArray(), fused.toArray(), 1e-5f);
    }

    @Test
    void passesTheGradientCheck() {
        Tensor qkv = Tensor.randn(rng, 2, 3, 12).requiresGrad(true);
        GradCheck.Report self = GradCheck.check(in -> Attention.multiHead(in[0], 0, in[0], 4, in[0], 8, 2, 4, true, 0, null), qkv);
        assertTrue(self.passed(2e-3, 1e-2), self.toString());
        Tensor q = Tensor.randn(rng, 2, 3, 4).requiresGrad(true), kv = Tensor.randn(rng, 2, 5, 8).requiresGrad(true);
        Tensor pad = new Tensor(new float[] {0, 0, 0, 0, 1, 1, 0, 0, 0, 0}, 2, 5);
        GradCheck.Report cross = GradCheck.check(in -> Attention.multiHead(in[0], 0, in[1], 0, in[1], 4, 2, 4, false, 0, pad), q, kv);
        assertTrue(cross.passed(2e-3, 1e-2), cross.toString());
    }

    @Test
    void aQueryWithNoVisibleKeyOutputsZero() {
        Tensor q = Tensor.randn(rng, 1, 2, 4), kv = Tensor.randn(rng, 1, 2, 8);
        Tensor out = Attention.multiHead(q, 0, kv, 0, kv, 4, 1, 4, false, 0, new Tensor(new float[] {1, 1}, 1, 2));
        assertArrayEquals(new float[8], out.toArray());
    }
}
