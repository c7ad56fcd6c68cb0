package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.lm.data.SyntheticCorpus;
import dev.minitape.lm.data.TextDataset;
import dev.minitape.lm.model.LanguageModel;
import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final String TEXT = SyntheticCorpus.standard().generate(20_000, new Rng(1));
    private static final CharTokenizer TOK = CharTokenizer.fit(TEXT);
    private static final ModelSpec SPEC = ModelSpec.builder().vocabSize(TOK.vocabSize()).blockSize(16).nLayer(1).nHead(2).nEmbd(16).dropout(0.1f).build();

    private static TrainConfig config(int steps) {
        return TrainConfig.builder().steps(steps).batchSize(4).blockSize(16).lr(3e-3).minLr(3e-4).warmup(2)
                .evalEvery(5).evalBatches(3).seed(7).build();
    }

    private static TextDataset data() {
        return new TextDataset(TOK.encode(TEXT), TOK.vocabSize(), 16);
    }

    private static Trainer trainer(LanguageModel model, TrainConfig c, Path dir) {
        return new Trainer(model, SPEC, TOK, data(), c, dir, Double.NaN, null);
    }

    @Test
    void trainingLowersTheLossAndWritesTheRunFolder(@TempDir Path dir) {
        LanguageModel model = SPEC.build(new Rng(3));
        Trainer t = trainer(model, config(40), dir);
        double before = t.evaluate();
        Trainer.Result r = t.train();
        assertTrue(r.valLoss() < before - 0.25, "validation loss " + before + " → " + r.valLoss());
        for (String f : List.of("metrics.csv", "loss.png", "calibration.png", "checkpoint/model.safetensors", "checkpoint/COMPLETE",
                "best/model.safetensors", "checkpoint/tokenizer.json", "checkpoint/optimizer.safetensors")) {
            assertTrue(Files.exists(dir.resolve(f)), f);
        }
        List<MetricsLog.Row> rows = MetricsLog.read(dir.resolve("metrics.csv"), Trainer.VALIDATION_COLUMNS.size());
        assertEquals(40, rows.size());
        assertEquals(8, rows.stream().filter(x -> !Double.isNaN(x.valLoss())).count());   // every 5 steps
        for (MetricsLog.Row row : rows) {
            // the figures are there exactly where val_loss is; val_nll is val_loss computed in double, and
            // metrics.csv holds both to 6 significant digits (±5e-6 each for a loss in [1, 10))
            for (double figure : row.extra()) assertEquals(Double.isNaN(row.valLoss()), Double.isNaN(figure), "step " + row.step());
            if (!Double.isNaN(row.valLoss())) assertEquals(row.valLoss(), row.extra()[0], 2e-5, "val_nll at step " + row.step());
        }
    }

    @Test
    void aCheckpointLoadsBitIdentically(@TempDir Path dir) throws IOException {
        LanguageModel model = SPEC.build(new Rng(4));
        trainer(model, config(10), dir).train();
        Checkpoint.Contents c = Checkpoint.load(dir, Checkpoint.LATEST);
        assertEquals(SPEC, c.spec());
        assertEquals(10, c.state().step());
        Map<String, Parameter> a = model.module().namedParameters(), b = c.model().module().namedParameters();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, p) -> assertArrayEquals(p.data(), b.get(name).data(), name));
        int[] tokens = java.util.Arrays.copyOf(TOK.encode("The cat sat on the mat"), 16);
        model.module().eval();
        c.model().module().eval();
        assertArrayEquals(model.forward(tokens, 1, 16).toArray(), c.model().forward(tokens, 1, 16).toArray());
    }

    @Test
    void resumingHalfwayGivesTheSameRunBitForBit(@TempDir Path whole, @TempDir Path split) throws IOException {
        trainer(SPEC.build(new Rng(5)), config(20), whole).train();

        // Stop after 10 of the 20 steps, as Ctrl-C would, then resume from the saved checkpoint.
        Trainer[] first = new Trainer[1];
        TrainingListener stopAtTen = new TrainingListener() {
            @Override
            public void onStep(int step, int total, double loss, double lr, double tokensPerSec) {
                if (step == 10) first[0].stop();
            }
        };
        first[0] = new Trainer(SPEC.build(new Rng(5)), SPEC, TOK, data(), config(20), split, Double.NaN, stopAtTen);
        assertEquals(10, first[0].train().steps());
        Checkpoint.Contents c = Checkpoint.load(split, Checkpoint.LATEST);
        Trainer second = trainer(c.model(), c.train(), split);
        second.restore(c);
        second.train();

        assertEquals(Files.readString(whole.resolve("metrics.csv")).lines().map(TrainerTest::withoutSpeed).toList(),
                Files.readString(split.resolve("metrics.csv")).lines().map(TrainerTest::withoutSpeed).toList());
        Map<String, Parameter> a = Checkpoint.load(whole, Checkpoint.LATEST).model().module().namedParameters();
        Map<String, Parameter> b = Checkpoint.load(split, Checkpoint.LATEST).model().module().namedParameters();
        a.forEach((name, p) -> assertArrayEquals(p.data(), b.get(name).data(), name));
    }

    private static String withoutSpeed(String csvLine) {
        // tokens_per_sec (the 5th column) is a wall-clock measure; everything else must match exactly.
        List<String> f = new java.util.ArrayList<>(List.of(csvLine.split(",", -1)));
        if (f.size() >= 5) f.remove(4);
        return String.join(",", f);
    }

    @Test
    void anInterruptedSaveLeavesACompleteCheckpoint(@TempDir Path dir) throws IOException {
        trainer(SPEC.build(new Rng(6)), config(6), dir).train();
        // A crash between the two renames: only checkpoint.old and a complete checkpoint.new remain.
        Files.move(dir.resolve("checkpoint"), dir.resolve("checkpoint.new"), StandardCopyOption.ATOMIC_MOVE);
        assertEquals(6, Checkpoint.load(dir, Checkpoint.LATEST).state().step());
        // A crash while writing checkpoint.new: it has no COMPLETE marker; checkpoint.old is used.
        Files.move(dir.resolve("checkpoint.new"), dir.resolve("checkpoint.old"), StandardCopyOption.ATOMIC_MOVE);
        Files.createDirectories(dir.resolve("checkpoint.new"));
        Files.writeString(dir.resolve("checkpoint.new/config.json"), "{ half writ");
        assertEquals(6, Checkpoint.load(dir, Checkpoint.LATEST).state().step());
        var e = assertThrows(IOException.class, () -> Checkpoint.load(dir.resolve("nothing-here"), Checkpoint.LATEST));
        assertTrue(e.getMessage().contains("nothing-here"), e.getMessage());
    }

    @Test
    void oneAndTwoThreadsGiveBitIdenticalRuns(@TempDir Path one, @TempDir Path two) throws IOException {
        // Sizes at which the kernels do split work across threads (256 rows of width 64).
        ModelSpec spec = ModelSpec.builder().vocabSize(TOK.vocabSize()).blockSize(32).nEmbd(64).dropout(0.1f).build();
        TrainConfig c = TrainConfig.builder().steps(8).batchSize(8).blockSize(32).lr(3e-3).minLr(3e-4).warmup(2)
                .labelSmoothing(0.1).evalEvery(4).evalBatches(2).seed(9).build();
        TextDataset d = new TextDataset(TOK.encode(TEXT), TOK.vocabSize(), 32);
        int before = dev.minitape.core.kernels.Parallel.threads();
        try {
            dev.minitape.core.kernels.Parallel.setThreads(1);
            new Trainer(spec.build(new Rng(8)), spec, TOK, d, c, one, Double.NaN, null).train();
            dev.minitape.core.kernels.Parallel.setThreads(2);
            new Trainer(spec.build(new Rng(8)), spec, TOK, d, c, two, Double.NaN, null).train();
        } finally {
            dev.minitape.core.kernels.Parallel.setThreads(before);
        }
        assertEquals(Files.readString(one.resolve("metrics.csv")).lines().map(TrainerTest::withoutSpeed).toList(),
                Files.readString(two.resolve("metrics.csv")).lines().map(TrainerTest::withoutSpeed).toList());
        Map<String, Parameter> a = Checkpoint.load(one, Checkpoint.LATEST).model().module().namedParameters();
        Map<String, Parameter> b = Checkpoint.load(two, Checkpoint.LATEST).model().module().namedParameters();
        a.forEach((name, p) -> assertArrayEquals(p.data(), b.get(name).data(), name));
    }
}
