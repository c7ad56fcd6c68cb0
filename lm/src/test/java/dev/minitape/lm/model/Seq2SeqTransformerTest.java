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
import dev.minitape.lm.train.Seq2SeqTrainer;
import java.util.Arrays;
import java.util.List;
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

    @Test
    void beamSearchOfWidthOneIsGreedy() {
        List<int[]> sources = List.of(new int[] {5, 6, 7}, new int[] {12, 3}, new int[] {8, 8, 8, 9, 10});
        List<int[]> greedy = Seq2SeqDecoder.greedy(model, sources, 8);
        for (int i = 0; i < sources.size(); i++) {
            assertArrayEquals(greedy.get(i), Seq2SeqDecoder.beam(model, sources.get(i), 1, 8), "source " + i);
        }
    }

    @Test
    @Tag("slow")
    void aSmallModelLearnsToCopyShortSequencesPerfectly() {
        CopyTask task = new CopyTask(CopyTask.Kind.COPY, 6, 1, 4, 200, 3);
        Seq2SeqTransformer m = new Seq2SeqTransformer(
                new Seq2SeqTransformer.Config(task.vocabSize(), 32, 4, 1, 1, 8, 0f, false), new Rng(2));
        Seq2SeqTrainer trainer = new Seq2SeqTrainer(m, task, 32, 3e-3, 0.0, 4, null);
        Seq2SeqTrainer.Accuracy acc = trainer.train(600, 50, 1.0, new Seq2SeqTrainer.Listener() {});
        assertEquals(1.0, acc.exactMatch(), "held-out exact match " + acc);
        // Beam search agrees on the learned task.
        for (int[] src : task.heldOut().subList(0, 10)) assertArrayEquals(trainer.expected(src), Seq2SeqDecoder.beam(m, src, 3, 6));
    }
}
