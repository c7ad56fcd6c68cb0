package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.lm.train.Checkpoint;
import dev.minitape.lm.train.MetricsLog;
import dev.minitape.lm.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --init-from DIR}: a new run on a new text, starting from a trained model's weights and tokenizer. */
class InitFromTest {
    @TempDir
    static Path tmp;
    static Path trained;      // 40 steps on text A
    static Path textB;        // the same characters as A, in other sentences

    /** {@code steps} steps (evaluated at the last) on {@code text} into {@code out}. */
    static CliErrorsTest.Outcome train(Path text, Path out, int steps, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", text.toString(), "--steps", Integer.toString(steps),
                "--warmup", "1", "--eval-every", Integer.toString(steps), "--batch-size", "4", "--sample-tokens", "0",
                "--out", out.toString()));
        args.addAll(List.of(more));
        return CliErrorsTest.cli(args.toArray(String[]::new));
    }

    @BeforeAll
    static void trainOnTextA() throws IOException {
        Path textA = Files.writeString(tmp.resolve("a.txt"), "the cat sat on the mat. ".repeat(200));
        textB = Files.writeString(tmp.resolve("b.txt"), "the mat sat on the cat. ".repeat(200));
        trained = tmp.resolve("a");
        CliErrorsTest.Outcome o = train(textA, trained, 60, "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "16");
        assertEquals(0, o.code(), o.err());
    }

    @Test
    void aNewTextStartsFromTheTrainedWeightsAtStepZero() throws IOException {
        Path init = tmp.resolve("init"), fresh = tmp.resolve("fresh");
        CliErrorsTest.Outcome o = train(textB, init, 3, "--init-from", trained.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("init: the weights, tokenizer and model shape of " + trained), o.out());
        assertEquals(0, train(textB, fresh, 3, "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "16").code());

        double initLoss = firstTrainLoss(init), freshLoss = firstTrainLoss(fresh);
        assertTrue(initLoss < freshLoss - 0.5, "first step's loss: from the trained model " + initLoss + ", fresh " + freshLoss);
        Checkpoint.Contents c = Checkpoint.load(init, Checkpoint.LATEST);
        assertEquals(3, c.state().step(), "counted from step 0");
        assertEquals(Checkpoint.load(trained, Checkpoint.BEST).spec(), c.spec());
        assertArrayEquals(Files.readAllBytes(trained.resolve("best/tokenizer.json")), Files.readAllBytes(init.resolve("checkpoint/tokenizer.json")));
        assertEquals(textB.toAbsolutePath().toString(), c.data());
    }

    private static double firstTrainLoss(Path run) {
        List<MetricsLog.Row> rows = MetricsLog.read(run.resolve("metrics.csv"), Trainer.VALIDATION_COLUMNS.size());
        assertEquals(3, rows.size());
        return rows.get(0).trainLoss();
    }

    @Test
    void aCharacterTheTokenizerHasNeverSeenIsRefusedNamingIt() throws IOException {
        Path zebra = Files.writeString(tmp.resolve("zebra.txt"), "the zebra sat on the mat. ".repeat(200));
        CliErrorsTest.fails(2, "zebra.txt: character U+007A 'z' is not in the char tokenizer's vocabulary",
                "train", "--data", zebra.toString(), "--init-from", trained.toString(), "--out", tmp.resolve("z").toString());
        assertTrue(CliErrorsTest.cli("train", "--data", zebra.toString(), "--init-from", trained.toString(), "--out",
                tmp.resolve("z").toString()).err().contains("--tokenizer bpe"));
    }

    @Test
    void aDifferentModelShapeOrTheSameFolderIsRefused() {
        CliErrorsTest.fails(2, "--n-embd cannot change with --init-from (the model has 16); leave it out or start a new run",
                "train", "--data", textB.toString(), "--init-from", trained.toString(), "--n-embd", "32", "--out", tmp.resolve("w").toString());
        CliErrorsTest.fails(2, "--tokenizer cannot change with --init-from (the model has char)",
                "train", "--data", textB.toString(), "--init-from", trained.toString(), "--tokenizer", "bpe", "--out", tmp.resolve("w").toString());
        CliErrorsTest.fails(2, "--out must differ from --init-from", "train", "--data", textB.toString(), "--init-from", trained.toString(),
                "--out", trained.toString());
        CliErrorsTest.fails(2, "--init-from cannot be given with --resume", "train", "--resume", trained.toString(),
                "--init-from", trained.toString());
    }
}
