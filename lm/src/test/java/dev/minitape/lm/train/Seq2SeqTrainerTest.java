package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minitape.core.Rng;
import dev.minitape.lm.data.CopyTask;
import dev.minitape.lm.model.Seq2SeqTransformer;
import java.util.List;
import org.junit.jupiter.api.Test;

class Seq2SeqTrainerTest {
    private static final int EOS = Seq2SeqTransformer.EOS;

    @Test
    void scoresCountWholeSequencesAndTokensAgainstTheTargetAndEos() {
        CopyTask task = new CopyTask(CopyTask.Kind.REVERSE, 10, 1, 4, 0, 1);
        Seq2SeqTransformer model = new Seq2SeqTransformer(new Seq2SeqTransformer.Config(task.vocabSize(), 8, 2, 1, 1, 6, 0f, false),
                new Rng(1));
        Seq2SeqTrainer trainer = new Seq2SeqTrainer(model, task, 4, 1e-3, LossOptions.PLAIN, 1, null);
        List<int[]> sources = List.of(new int[] {3, 4, 5}, new int[] {6, 7}, new int[] {8});
        List<int[]> outputs = List.of(
                new int[] {5, 4, 3, EOS},        // exact: 4 of 4 tokens
                new int[] {7, 6},                // EOS missing: 2 of 3 tokens, not exact
                new int[] {9, EOS, EOS});        // first token wrong, one extra token: 1 of 2
        Seq2SeqTrainer.Accuracy a = trainer.score(sources, outputs);
        assertEquals(1.0 / 3, a.exactMatch(), 1e-12);
        assertEquals(7.0 / 9, a.tokenAccuracy(), 1e-12);
    }
}
