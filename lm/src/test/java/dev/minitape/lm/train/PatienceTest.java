package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.lm.data.SyntheticCorpus;
import dev.minitape.lm.data.TextDataset;
import dev.minitape.lm.tokenizer.CharTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --patience: a run whose validation loss stops improving ends after that many evaluations, keeping the
 * best model in best/. A learning rate of 1e-30 leaves every weight as it was (a change of 1e-30 is below
 * a float's resolution at the weights' sizes), so every evaluation after the first repeats its loss
 * exactly and none improves on it.
 */
class PatienceTest {
    private static final String TEXT = SyntheticCorpus.standard().generate(20_000, new Rng(1));
    private static final CharTokenizer TOK = CharTokenizer.fit(TEXT);
    private static final ModelSpec SPEC = ModelSpec.builder().vocabSize(TOK.vocabSize()).blockSize(16).nLayer(1).nHead(2).nEmbd(16).build();

    private static TrainConfig stalled(int patience) {
        return TrainConfig.builder().steps(100).batchSize(4).blockSize(16).lr(1e-30).minLr(0).warmup(0)
                .evalEvery(5).evalBatches(2).patience(patience).seed(7).build();
    }

    private static Trainer trainer(TrainConfig c, Path dir, TrainingListener listener) {
        TextDataset data = new TextDataset(TOK.encode(TEXT), TOK.vocabSize(), 16);
        return new Trainer(SPEC.build(new Rng(3)), SPEC, TOK, data, c, dir, Double.NaN, listener);
    }

    @Test
    void threeEvaluationsWithoutANewBestEndTheRun(@TempDir Path dir) throws IOException {
        Trainer.Result r = trainer(stalled(3), dir, null).train();
        // evaluations at steps 5 (the best), 10, 15 and 20 (the third without improvement)
        assertEquals(20, r.steps());
        assertFalse(r.interrupted());
        assertEquals(r.bestValLoss(), r.valLoss(), "the loss stood still");
        TrainerState latest = Checkpoint.load(dir, Checkpoint.LATEST).state();
        assertEquals(List.of(20, 5, 3), List.of(latest.step(), latest.bestStep(), latest.evalsSinceBest()), "the last step is saved");
        assertEquals(5, Checkpoint.load(dir, Checkpoint.BEST).state().step(), "best/ holds the best");
        assertEquals(20, MetricsLog.read(dir.resolve("metrics.csv"), Trainer.VALIDATION_COLUMNS.size()).size());
    }

    @Test
    void withoutPatienceTheSameRunTrainsEveryStep(@TempDir Path dir) {
        assertEquals(100, trainer(stalled(0), dir, null).train().steps());
    }

    @Test
    void theCountSurvivesAResume(@TempDir Path dir) throws IOException {
        // stopped (as by Ctrl-C) after step 12: evaluations at 5 (the best) and 10 (one without improvement)
        Trainer[] first = new Trainer[1];
        TrainingListener stopAt12 = new TrainingListener() {
            @Override
            public void onStep(int step, int total, double loss, double lr, double tokensPerSec) {
                if (step == 12) first[0].stop();
            }
        };
        first[0] = trainer(stalled(3), dir, stopAt12);
        assertTrue(first[0].train().interrupted());
        Checkpoint.Contents c = Checkpoint.load(dir, Checkpoint.LATEST);
        assertEquals(List.of(12, 5, 1), List.of(c.state().step(), c.state().bestStep(), c.state().evalsSinceBest()));

        Trainer second = trainer(c.train(), dir, null);
        second.restore(c);
        assertEquals(20, second.train().steps(), "15 and 20 are the second and third evaluations without improvement");
    }

    @Test
    void resumingARunThatRanOutOfPatienceTrainsNothing(@TempDir Path dir) throws IOException {
        trainer(stalled(3), dir, null).train();
        String metrics = java.nio.file.Files.readString(dir.resolve("metrics.csv"));
        Checkpoint.Contents c = Checkpoint.load(dir, Checkpoint.LATEST);
        Trainer again = trainer(c.train(), dir, null);
        again.restore(c);
        Trainer.Result r = again.train();
        assertEquals(20, r.steps());
        assertEquals(c.state().bestValLoss(), r.valLoss(), "the saved model's loss, the best every evaluation repeated");
        assertEquals(metrics, java.nio.file.Files.readString(dir.resolve("metrics.csv")));
        assertEquals(20, Checkpoint.load(dir, Checkpoint.LATEST).state().step());
    }
}
