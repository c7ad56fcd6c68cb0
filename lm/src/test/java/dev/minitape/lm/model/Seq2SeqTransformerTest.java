package dev.minitape.lm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Reduction;
import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.lm.data.CopyTask;
import dev.minitape.lm.sample.Seq2SeqDecoder;
import dev.minitape.lm.train.LossOptions;
import dev.minitape.lm.train.Seq2SeqTrainer;
import dev.minitape.nn.DecoderBlock;
import dev.minitape.nn.EncoderBlock;
import dev.minitape.nn.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class Seq2SeqTransformerTest {
    private static final int V = 13;
    private final Seq2SeqTransformer model =
            new Seq2SeqTransformer(new Seq2SeqTransformer.Config(V, 16, 2, 1, 2, 12, 0f, false), new Rng(1));

    private float[] logits(int[] src, int[] tgtIn) {
        try (var off = Tape.noGrad()) {
            return model.forward(src, src.length, tgtIn, tgtIn.length, 1).toArray();
        }
    }

    @Test
    void theDecoderCannotSeeFutureTargetTokens() {
        int[] src = {5, 6, 7, 8};
        float[] a = logits(src, new int[] {1, 5, 6, 7, 8});
        float[] b = logits(src, new int[] {1, 5, 6, 12, 3});          // change positions 3 and 4
        assertArrayEquals(Arrays.copyOf(a, 3 * V), Arrays.copyOf(b, 3 * V), "positions 0-2 unchanged");
        assertTrue(!Arrays.equals(Arrays.copyOfRange(a, 3 * V, 5 * V), Arrays.copyOfRange(b, 3 * V, 5 * V)));
    }

    @Test
    void extraSourcePaddingChangesNothing() {
        int[] tgt = {1, 9, 4};
        float[] a = logits(new int[] {9, 4, 11}, tgt);
        float[] b = logits(new int[] {9, 4, 11, 0, 0, 0}, tgt);          // PAD = 0
        assertArrayEquals(a, b, 1e-6f);
    }

    @Test
    void cachedIncrementalDecodingEqualsTheFullPass() {
        assertIncrementalDecodingEqualsTheFullPass(model);
    }

    @Test
    void sinusoidalPositionsAreFixedSinesAndCosinesAndDecodeIncrementallyAsTheFullPass() {
        Seq2SeqTransformer sinusoidal = new Seq2SeqTransformer(new Seq2SeqTransformer.Config(V, 16, 2, 1, 2, 12, 0f, true), new Rng(1));
        assertTrue(sinusoidal.namedParameters().keySet().stream().noneMatch(n -> n.startsWith("positions")),
                "nothing to learn: " + sinusoidal.namedParameters().keySet());
        float[] pe = Seq2SeqTransformer.sinusoidTable(12, 16).toArray();
        double angle = 7 / Math.pow(10000, 6.0 / 16);                   // position 7, columns 6 and 7
        assertEquals(Math.sin(angle), pe[7 * 16 + 6], 1e-6);
        assertEquals(Math.cos(angle), pe[7 * 16 + 7], 1e-6);
        assertEquals(1.0, pe[0 * 16 + 1], 0);                          // cos 0 at position 0
        // the cache's offsets pick the same rows of the table as the full pass
        assertIncrementalDecodingEqualsTheFullPass(sinusoidal);
    }

    private static void assertIncrementalDecodingEqualsTheFullPass(Seq2SeqTransformer model) {
        int[] src = {3, 4, 5, 6, 0, 0, 7, 8, 9, 10, 11, 12};            // two sources, the first padded
        int[] tgtIn = {1, 3, 4, 5, 6, 1, 7, 8, 9, 10};
        int b = 2, s = 6, t = 5;
        float[] full;
        float[] steps = new float[b * t * V];
        try (var off = Tape.noGrad()) {
            full = model.forward(src, s, tgtIn, t, b).toArray();
            Tensor padding = Seq2SeqTransformer.paddingMask(src, b, s);
            Tensor memory = model.encode(src, b, s, padding);
            Seq2SeqTransformer.Caches caches = model.newCaches();
            for (int i = 0; i < t; i++) {
                float[] one = model.decode(new int[] {tgtIn[i], tgtIn[t + i]}, b, 1, memory, padding, caches).toArray();
                System.arraycopy(one, 0, steps, i * V, V);
                System.arraycopy(one, V, steps, (t + i) * V, V);
            }
        }
        assertArrayEquals(full, steps, 1e-5f);
    }

    @Test
    void summedTokenLossesAreMinusLogProbabilityOfTheTargetGivenTheSource() {
        int[] src = {4, 9, 6}, target = {4, 9, 6, Seq2SeqTransformer.EOS}, tgtIn = {1, 4, 9, 6};
        float sum;
        try (var off = Tape.noGrad()) {
            sum = CrossEntropy.builder().reduction(Reduction.SUM).build()
                    .apply(model.forward(src, 3, tgtIn, 4, 1), target).item();
        }
        // −log P(target | source) = −Σ_t log P(y_t | source, y_<t), each from a fresh decode of the prefix.
        double nll = 0;
        for (int t = 0; t < target.length; t++) {
            float[] z = logits(src, Arrays.copyOf(tgtIn, t + 1));
            float[] row = Arrays.copyOfRange(z, t * V, (t + 1) * V);
            double max = Double.NEGATIVE_INFINITY, s = 0;
            for (float v : row) max = Math.max(max, v);
            for (float v : row) s += Math.exp(v - max);
            nll -= row[target[t]] - max - Math.log(s);
        }
        assertEquals(nll, sum, 1e-4);
    }

    /** The padded computation: every block's own forward on (B, L, C), PAD rows and all. */
    private static Tensor paddedForward(Seq2SeqTransformer m, int[] src, int s, int[] tgtIn, int t, int b) {
        Tensor positions = m.namedParameters().get("positions.weight");
        Tensor padding = Seq2SeqTransformer.paddingMask(src, b, s);
        Tensor x = m.embed.forward(src, b, s).add(positions.slice(0, 0, s));
        for (EncoderBlock block : m.encoder) x = block.forward(x, padding);
        Tensor memory = m.encoderNorm.forward(x);
        Tensor y = m.embed.forward(tgtIn, b, t).add(positions.slice(0, 0, t));
        for (DecoderBlock block : m.decoder) y = block.forward(y, memory, padding, null, null);
        return m.head.forward(m.decoderNorm.forward(y));
    }

    private static Map<String, float[]> lossGradients(Seq2SeqTransformer m, CopyTask.Batch batch, boolean packed) {
        m.zeroGrad();
        try (Tape tape = Tape.start()) {
            Tensor logits = packed ? m.forward(batch.src(), batch.srcLen(), batch.tgtIn(), batch.tgtLen(), batch.size())
                    : paddedForward(m, batch.src(), batch.srcLen(), batch.tgtIn(), batch.tgtLen(), batch.size());
            CrossEntropy.builder().ignoreIndex(Seq2SeqTransformer.PAD).build().apply(logits, batch.tgtOut()).backward();
        }
        Map<String, float[]> grads = new java.util.TreeMap<>();
        m.namedParameters().forEach((name, p) -> grads.put(name, p.gradData().clone()));
        return grads;
    }

    @Test
    void packingTheRealPositionsChangesNoLogitAndNoGradient() {
        CopyTask task = new CopyTask(CopyTask.Kind.REVERSE, 10, 1, 6, 0, 1);
        CopyTask.Batch batch = task.batch(List.of(new int[] {5, 6, 7}, new int[] {12, 3, 4, 5, 6, 7}, new int[] {9}));
        int b = batch.size(), t = batch.tgtLen();
        float[] packed, padded;
        try (var off = Tape.noGrad()) {
            packed = model.forward(batch.src(), batch.srcLen(), batch.tgtIn(), t, b).toArray();
            padded = paddedForward(model, batch.src(), batch.srcLen(), batch.tgtIn(), t, b).toArray();
        }
        int[] realLength = {4, 7, 2};                                    // BOS + target; the rest is trailing PAD
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                float[] want = j < realLength[i] ? Arrays.copyOfRange(padded, (i * t + j) * V, (i * t + j + 1) * V) : new float[V];
                assertArrayEquals(want, Arrays.copyOfRange(packed, (i * t + j) * V, (i * t + j + 1) * V), 1e-5f,
                        "row " + i + ", position " + j + (j < realLength[i] ? "" : " (padding: 0)"));
            }
        }
        Map<String, float[]> a = lossGradients(model, batch, true), c = lossGradients(model, batch, false);
        a.forEach((name, g) -> assertArrayEquals(c.get(name), g, 1e-5f, name));
    }

    @Test
    void initializationIsPyTorchs() {
        Seq2SeqTransformer m = new Seq2SeqTransformer(new Seq2SeqTransformer.Config(13, 64, 4, 2, 2, 12, 0f, false), new Rng(3));
        Map<String, Parameter> p = m.namedParameters();
        double std = 0;
        for (float w : p.get("embed.weight").data()) std += w * w;
        std = Math.sqrt(std / (12 * 64));                                // 12 rows: PAD's is 0
        assertEquals(1.0, std, 0.05, "nn.Embedding: N(0, 1)");
        // nn.Transformer: Glorot-uniform; q, k, v share the bound of the (3C, C) in-projection, sqrt(6 / 256).
        assertBound(p.get("encoder.0.attn.qkv.weight"), Math.sqrt(6.0 / 256));
        assertBound(p.get("decoder.1.cross_attn.q.weight"), Math.sqrt(6.0 / 256));
        assertBound(p.get("decoder.1.cross_attn.kv.weight"), Math.sqrt(6.0 / 256));
        assertBound(p.get("decoder.0.self_attn.proj.weight"), Math.sqrt(6.0 / 128));
        assertBound(p.get("encoder.1.mlp.fc.weight"), Math.sqrt(6.0 / 320));
        assertBound(p.get("head.weight"), 1 / Math.sqrt(64));           // nn.Linear's default
        for (float v : p.get("decoder.0.cross_attn.kv.bias").data()) assertEquals(0f, v, "nn.MultiheadAttention's biases start at 0");
    }

    /** Uniform in (−r, r): every value inside, the largest near r. */
    private static void assertBound(Tensor w, double r) {
        float max = 0;
        for (float v : w.data()) max = Math.max(max, Math.abs(v));
        assertTrue(max <= r && max > 0.95 * r, "max |w| " + max + " for bound " + r);
    }

    @Test
    void beamSearchOfWidthOneIsGreedy() {
        List<int[]> sources = List.of(new int[] {5, 6, 7}, new int[] {12, 3}, new int[] {8, 8, 8, 9, 10});
        List<int[]> greedy = Seq2SeqDecoder.greedy(model, sources, 8);
        for (int i = 0; i < sources.size(); i++) {
            assertArrayEquals(greedy.get(i), Seq2SeqDecoder.beam(model, sources.get(i), 1, 8), "source " + i);
        }
    }

    @Test
    void beamSearchWideEnoughToKeepEveryOutputFindsTheBestLengthNormalizedOne() {
        int[] src = {5, 9, 7};
        int maxSteps = 3;
        double[] bestScore = {Double.NEGATIVE_INFINITY};
        int[][] best = new int[1][];
        enumerate(src, new int[0], 0, maxSteps, (output, score) -> {
            if (score > bestScore[0]) {
                bestScore[0] = score;
                best[0] = output;
            }
        });
        assertArrayEquals(best[0], Seq2SeqDecoder.beam(model, src, V * V * V, maxSteps), "best score " + bestScore[0]);
    }

    /**
     * Every output the decoder can give in at most maxSteps tokens (ending at its first EOS, or cut at maxSteps),
     * with its score log P(output | source) / length, from a full forward pass over each prefix.
     */
    private void enumerate(int[] src, int[] prefix, double logp, int maxSteps, java.util.function.ObjDoubleConsumer<int[]> out) {
        int[] tgtIn = new int[prefix.length + 1];
        tgtIn[0] = Seq2SeqTransformer.BOS;
        System.arraycopy(prefix, 0, tgtIn, 1, prefix.length);
        float[] z = logits(src, tgtIn);
        int at = prefix.length * V;
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < V; j++) max = Math.max(max, z[at + j]);
        for (int j = 0; j < V; j++) sum += Math.exp(z[at + j] - max);
        for (int tok = 0; tok < V; tok++) {
            int[] y = Arrays.copyOf(prefix, prefix.length + 1);
            y[prefix.length] = tok;
            double lp = logp + z[at + tok] - max - Math.log(sum);
            if (tok == Seq2SeqTransformer.EOS || y.length == maxSteps) out.accept(y, lp / y.length);
            else enumerate(src, y, lp, maxSteps, out);
        }
    }

    @Test
    @Tag("slow")
    void aSmallModelLearnsToCopyShortSequencesPerfectly() {
        CopyTask task = new CopyTask(CopyTask.Kind.COPY, 6, 1, 4, 200, 3);
        Seq2SeqTransformer m = new Seq2SeqTransformer(
                new Seq2SeqTransformer.Config(task.vocabSize(), 32, 4, 1, 1, 8, 0f, false), new Rng(2));
        Seq2SeqTrainer trainer = new Seq2SeqTrainer(m, task, 32, 3e-3, LossOptions.PLAIN, 4, null);
        Seq2SeqTrainer.Accuracy acc = trainer.train(600, 50, 1.0, new Seq2SeqTrainer.Listener() {});
        assertEquals(1.0, acc.exactMatch(), "held-out exact match " + acc);
        // Beam search agrees on the learned task.
        for (int[] src : task.heldOut().subList(0, 10)) assertArrayEquals(trainer.expected(src), Seq2SeqDecoder.beam(m, src, 3, 6));
    }
}
