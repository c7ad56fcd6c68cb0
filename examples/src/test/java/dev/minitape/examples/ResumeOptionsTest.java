package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.lm.train.Checkpoint;
import dev.minitape.lm.train.MetricsLog;
import dev.minitape.lm.train.Trainer;
import dev.minitape.nn.optim.LrSchedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --resume DIR} with options: the ones that may change apply and are said; the others are refused. */
class ResumeOptionsTest {
    @TempDir
    static Path tmp;
    static Path text;
    static Path finished;     // a run of 10 steps, never modified: the refusals leave it as it is

    static CliErrorsTest.Outcome train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", text.toString(), "--steps", "10", "--warmup", "2",
                "--eval-every", "5", "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "16",
                "--batch-size", "2", "--sample-tokens", "0", "--out", out.toString()));
        args.addAll(List.of(more));
        return CliErrorsTest.cli(args.toArray(String[]::new));
    }

    static CliErrorsTest.Outcome resume(Path run, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--resume", run.toString(), "--sample-tokens", "0"));
        args.addAll(List.of(more));
        return CliErrorsTest.cli(args.toArray(String[]::new));
    }

    @BeforeAll
    static void trainTenSteps() throws IOException {
        text = Files.writeString(tmp.resolve("tiny.txt"), "the cat sat on the mat. ".repeat(200));
        finished = tmp.resolve("finished");
        CliErrorsTest.Outcome o = train(finished);
        assertEquals(0, o.code(), o.err());
    }

    @Test
    void moreStepsExtendTheRunWithTheScheduleRecomputedOverTheNewTotal() throws IOException {
        Path run = tmp.resolve("extended");
        assertEquals(0, train(run).code());
        // --n-embd as the run has it is no change, and is accepted
        CliErrorsTest.Outcome o = resume(run, "--steps", "25", "--lr", "1e-3", "--n-embd", "16");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("resume: --steps 10 → 25, --lr 0.003 → 0.001\n"), o.out());

        Checkpoint.Contents c = Checkpoint.load(run, Checkpoint.LATEST);
        assertEquals(25, c.state().step());
        assertEquals(25, c.train().steps());
        assertEquals(0.001, c.train().lr());
        List<MetricsLog.Row> rows = MetricsLog.read(run.resolve("metrics.csv"), Trainer.VALIDATION_COLUMNS.size());
        assertEquals(IntStream.rangeClosed(1, 25).boxed().toList(), rows.stream().map(MetricsLog.Row::step).toList(),
                "metrics.csv continues without a gap");
        // steps 1..10 kept their schedule; 11..25 follow the warmup and cosine decay over 25 steps from the new --lr
        LrSchedule first = LrSchedule.warmupCosine(0.003, 3e-4, 2, 10), continued = LrSchedule.warmupCosine(0.001, 3e-4, 2, 25);
        for (MetricsLog.Row row : rows) {
            LrSchedule schedule = row.step() <= 10 ? first : continued;
            assertEquals(sixDigits(schedule.lr(row.step() - 1)), sixDigits(row.lr()), "lr at step " + row.step());
        }
    }

    /** As metrics.csv writes a number. */
    private static String sixDigits(double x) {
        return String.format(Locale.ROOT, "%.6g", x);
    }

    @Test
    void whatTheRunKeepsIsRefusedNamingTheOptionAndTheRunsValue() throws IOException {
        byte[] before = Files.readAllBytes(finished.resolve("metrics.csv"));
        CliErrorsTest.fails(2, "--n-embd cannot change on --resume (the run has 16); leave it out or start a new run",
                "train", "--resume", finished.toString(), "--steps", "20", "--n-embd", "32");
        CliErrorsTest.fails(2, "--tokenizer cannot change on --resume (the run has char)",
                "train", "--resume", finished.toString(), "--tokenizer", "bpe");
        CliErrorsTest.fails(2, "--data cannot change on --resume (the run has " + text.toAbsolutePath() + ")",
                "train", "--resume", finished.toString(), "--data", tmp.resolve("other.txt").toString());
        CliErrorsTest.fails(2, "--dropout cannot change on --resume (the run has 0)",
                "train", "--resume", finished.toString(), "--dropout", "0.1");
        CliErrorsTest.fails(2, "--seed cannot change on --resume (the run has 1337)",
                "train", "--resume", finished.toString(), "--seed", "7");
        CliErrorsTest.fails(2, "--out cannot change on --resume", "train", "--resume", finished.toString(), "--out", "elsewhere");
        CliErrorsTest.fails(2, "--steps must be more than the 10 steps the run has done, got 10",
                "train", "--resume", finished.toString(), "--steps", "10");
        assertEquals(new String(before), new String(Files.readAllBytes(finished.resolve("metrics.csv"))), "the run is untouched");
    }
}
