package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.lm.data.Batch;
import dev.minitape.lm.data.SyntheticCorpus;
import dev.minitape.lm.data.TextDataset;
import dev.minitape.lm.model.LanguageModel;
import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * --grad-accum K with micro-batches of B against one batch of K·B holding the same rows: the same loss,
 * gradient and first update, up to float rounding (the sums run in a different order).
 */
class GradientAccumulationTest {
    private static final String TEXT = SyntheticCorpus.standard().generate(20_000, new Rng(1));
    private static final CharTokenizer TOK = CharTokenizer.fit(TEXT);
    private static final int T = 16;
    private static final ModelSpec SPEC = ModelSpec.builder().vocabSize(TOK.vocabSize()).blockSize(T).nLayer(1).nHead(2).nEmbd(16).build();
    private static final TextDataset DATA = new TextDataset(TOK.encode(TEXT), TOK.vocabSize(), T);

    private static TrainConfig.Builder oneStep(int batchSize, int gradAccum) {
        return TrainConfig.builder().steps(1).warmup(0).batchSize(batchSize).gradAccum(gradAccum).blockSize(T).lr(3e-3)
                .evalEvery(1).evalBatches(1).seed(7);
    }

    private static Trainer trainer(LanguageModel model, TrainConfig config) {
        return new Trainer(model, SPEC, TOK, DATA, config, null, Double.NaN, null);
    }

    @Test
    void fourMicroBatchesOf8DrawTheRowsOfOneBatchOf32() {
        Rng whole = new Rng(7), parts = new Rng(7);
        Batch big = DATA.trainBatch(32, T, whole);
        List<Batch> micro = new ArrayList<>();
        for (int k = 0; k < 4; k++) micro.add(DATA.trainBatch(8, T, parts));
        // the sampler draws row after row, so the 4 micro-batches are the big batch
        assertArrayEquals(big.x(), concat(micro).x());
        assertArrayEquals(big.y(), concat(micro).y());
        assertEquals(whole.state(), parts.state(), "and the sampler ends in the same state");
    }

    @Test
    void gradAccum4OfBatch8GivesTheFirstUpdateOfBatch32() {
        LanguageModel accumulated = SPEC.build(new Rng(3)), big = SPEC.build(new Rng(3));
        Trainer.Result a = trainer(accumulated, oneStep(8, 4).build()).train();
        Trainer.Result b = trainer(big, oneStep(32, 1).build()).train();
        assertEquals(b.trainLoss(), a.trainLoss(), 1e-6 * b.trainLoss(), "the logged loss is the big batch's");
        // AdamW's first update is lr·g/(|g| + ε) per element (plus weight decay), so the parameters after it
        // agree to a few float ulps; the gradients themselves are compared below
        assertParametersEqual(big, accumulated, 1e-6f);
        float[] before = SPEC.build(new Rng(3)).module().namedParameters().get("wte.weight").data();
        float[] after = big.module().namedParameters().get("wte.weight").data();
        assertTrue(Math.abs(after[0] - before[0]) > 1e-3, "the step moved the weights by about lr");
    }

    /** Class weights, label smoothing and ignored positions spread unevenly over the micro-batches. */
    @ParameterizedTest
    @EnumSource(LossReduction.class)
    void theAccumulatedGradientIsTheBigBatchGradient(LossReduction reduction) {
        float[] w = new float[TOK.vocabSize()];
        for (int c = 0; c < w.length; c++) w[c] = 0.25f + (c % 7) * 0.5f;
        TrainConfig config = oneStep(8, 4).labelSmoothing(0.1).reduction(reduction)
                .classWeights(ClassWeights.given("test", w)).build();
        Rng rng = new Rng(11);
        List<Batch> micro = new ArrayList<>();
        for (int k = 0; k < 4; k++) micro.add(ignoreSome(DATA.trainBatch(8, T, rng), k));
        double[] kept = micro.stream().mapToDouble(b -> config.loss().crossEntropy().build().denominator(b.y(), new int[] {8, T, w.length}))
                .toArray();
        assertNotEquals(kept[0], kept[3], "the micro-batches weigh differently, so a plain mean of their losses would be wrong");

        LanguageModel accumulated = SPEC.build(new Rng(3)), big = SPEC.build(new Rng(3));
        double lossA = trainer(accumulated, config).accumulateGradients(micro);
        double lossB = trainer(big, config).accumulateGradients(List.of(concat(micro)));
        assertEquals(lossB, lossA, 1e-6 * lossB);
        Map<String, Parameter> pa = accumulated.module().namedParameters(), pb = big.module().namedParameters();
        pb.forEach((name, p) -> {
            float[] gb = p.grad().toArray(), ga = pa.get(name).grad().toArray();
            float scale = 0;
            for (float g : gb) scale = Math.max(scale, Math.abs(g));
            // float sums of 8·T and of 32·T rows differ in their last bits: 1e-5 of the largest entry
            assertArrayEquals(gb, ga, 1e-5f * scale, name);
        });
    }

    /** Ignores the first 2^k·3 − 3 targets of the batch (none in the first, most of one sequence in the last). */
    private static Batch ignoreSome(Batch b, int k) {
        int[] y = b.y().clone();
        Arrays.fill(y, 0, (1 << k) * 3 - 3, -100);
        return new Batch(b.x(), y, b.batchSize(), b.blockSize());
    }

    private static Batch concat(List<Batch> parts) {
        int rows = parts.stream().mapToInt(Batch::batchSize).sum(), n = rows * T, at = 0;
        int[] x = new int[n], y = new int[n];
        for (Batch p : parts) {
            System.arraycopy(p.x(), 0, x, at, p.x().length);
            System.arraycopy(p.y(), 0, y, at, p.y().length);
            at += p.x().length;
        }
        return new Batch(x, y, rows, T);
    }

    private static void assertParametersEqual(LanguageModel expected, LanguageModel actual, float tolerance) {
        Map<String, Parameter> a = actual.module().namedParameters();
        expected.module().namedParameters().forEach((name, p) -> assertArrayEquals(p.data(), a.get(name).data(), tolerance, name));
    }
}
