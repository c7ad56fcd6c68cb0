package dev.minitape.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Reduction;
import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.nn.KvCache;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GptTest {
    private static final GptConfig SMALL = new GptConfig(11, 16, 2, 2, 8, 0f);

    @Test
    void logitsHaveShapeBTVAndTheHeadIsTiedToTheTokenEmbedding() {
        Gpt gpt = new Gpt(SMALL, new Rng(1));
        int[] tokens = {1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(new int[] {2, 4, 11}, gpt.forward(tokens, 2, 4).shape());
        assertTrue(gpt.namedParameters().keySet().stream().noneMatch(n -> n.startsWith("head")));
        assertTrue(gpt.namedParameters().containsKey("blocks.1.attn.qkv.weight"));
        // Parameters: wte 11·8 + wpe 16·8 + 2 blocks + ln_f.
        long block = 2 * 2 * 8 + (8 * 24 + 24) + (8 * 8 + 8) + (8 * 32 + 32) + (32 * 8 + 8);
        assertEquals(11 * 8 + 16 * 8 + 2 * block + 2 * 8, gpt.parameterCount());
    }

    @Test
    void gpt2InitializationScalesResidualProjections() {
        Gpt gpt = new Gpt(new GptConfig(50, 64, 8, 4, 64, 0f), new Rng(2));
        double qkvStd = std(gpt.namedParameters().get("blocks.0.attn.qkv.weight").data());
        double projStd = std(gpt.namedParameters().get("blocks.0.mlp.proj.weight").data());
        assertEquals(0.02, qkvStd, 0.002);
        assertEquals(0.02 / Math.sqrt(16), projStd, 0.0005);
        assertEquals(0f, gpt.namedParameters().get("blocks.0.attn.qkv.bias").data()[5]);
        assertEquals(1f, gpt.namedParameters().get("ln_f.weight").data()[0]);
    }

    private static double std(float[] x) {
        double s = 0, sq = 0;
        for (float v : x) {
            s += v;
            sq += v * v;
        }
        double m = s / x.length;
        return Math.sqrt(sq / x.length - m * m);
    }

    @Test
    void cachedIncrementalForwardEqualsTheFullForward() {
        Gpt gpt = new Gpt(SMALL, new Rng(3));
        int[] tokens = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
        float[] full = gpt.forward(tokens, 1, tokens.length).toArray();
        List<KvCache> caches = gpt.newCaches();
        float[] incremental = new float[full.length];
        try (var off = Tape.noGrad()) {
            // a prompt of 3, then one token at a time
            Tensor first = gpt.forward(Arrays.copyOf(tokens, 3), 1, 3, caches);
            System.arraycopy(first.data(), 0, incremental, 0, 3 * 11);
            for (int t = 3; t < tokens.length; t++) {
                Tensor step = gpt.forward(new int[] {tokens[t]}, 1, 1, caches);
                System.arraycopy(step.data(), 0, incremental, t * 11, 11);
            }
        }
        assertArrayEquals(full, incremental, 1e-5f);
    }

    @Test
    void summedTokenLossesAreMinusLogProbabilityOfTheSequence() {
        Gpt gpt = new Gpt(SMALL, new Rng(4));
        int[] seq = {0, 5, 5, 2, 10, 7, 1};
        int n = seq.length - 1;
        int[] x = Arrays.copyOf(seq, n), y = Arrays.copyOfRange(seq, 1, seq.length);
        Tensor logits = gpt.forward(x, 1, n);
        float sum = CrossEntropy.builder().reduction(Reduction.SUM).build().apply(logits, y).item();
        // −log P(seq) = −Σ_t log P(seq[t+1] | seq[0..t]), each conditional from a fresh forward of the prefix.
        double nll = 0;
        for (int t = 0; t < n; t++) {
            Tensor prefix = gpt.forward(Arrays.copyOf(seq, t + 1), 1, t + 1);
            float[] row = Arrays.copyOfRange(prefix.data(), t * 11, (t + 1) * 11);
            double max = Double.NEGATIVE_INFINITY, s = 0;
            for (float v : row) max = Math.max(max, v);
            for (float v : row) s += Math.exp(v - max);
            nll -= row[seq[t + 1]] - max - Math.log(s);
        }
        assertEquals(nll, sum, 1e-4);
    }

    @Test
    void aTinyGptOverfitsAShortText() {
        Gpt gpt = new Gpt(new GptConfig(6, 8, 1, 2, 16, 0f), new Rng(5));
        int[] x = {0, 1, 2, 3, 4, 5, 0, 1}, y = {1, 2, 3, 4, 5, 0, 1, 2};
        CrossEntropy ce = CrossEntropy.builder().build();
        float loss = Float.NaN;
        // Plain Adam-free gradient descent with momentum keeps this test independent of nn.optim.
        var params = gpt.parameters();
        float[][] velocity = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) velocity[i] = new float[params.get(i).numel()];
        for (int step = 0; step < 300; step++) {
            gpt.zeroGrad();
            try (Tape tape = Tape.start()) {
                Tensor l = ce.apply(gpt.forward(x, 1, 8), y);
                loss = l.item();
                l.backward();
            }
            for (int i = 0; i < params.size(); i++) {
                float[] p = params.get(i).data(), g = params.get(i).grad().data(), v = velocity[i];
                for (int j = 0; j < p.length; j++) {
                    v[j] = 0.9f * v[j] + g[j];
                    p[j] -= 0.05f * v[j];
                }
            }
        }
        assertTrue(loss < 0.05, "loss after 300 steps: " + loss);
    }

    @Test
    void configErrorsNameTheProblem() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GptConfig(65, 64, 2, 3, 64, 0f));
        assertTrue(e.getMessage().contains("64 is not divisible by the number of heads 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new GptConfig(65, 0, 2, 4, 64, 0f));
        assertTrue(e.getMessage().contains("block size must be positive, got 0"), e.getMessage());
    }
}
