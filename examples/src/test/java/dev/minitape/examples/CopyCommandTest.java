package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code minitape copy} end to end on a tiny model: what it prints and what it writes. */
class CopyCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aRunLogsExactMatchAtEachEvaluationAndShowsHeldOutExamples() throws IOException {
        Path out = tmp.resolve("copy");
        CliErrorsTest.Outcome o = CliErrorsTest.cli("copy", "--vocab", "4", "--max-len", "4", "--held-out", "20",
                "--steps", "20", "--eval-every", "10", "--d-model", "16", "--n-layer", "1", "--n-head", "2",
                "--batch-size", "8", "--threads", "1", "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("20 held out"), o.out());

        List<String> metrics = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals("step,train_loss,val_loss,lr,tokens_per_sec,exact_match", metrics.get(0));
        assertEquals(21, metrics.size());
        for (int step = 1; step <= 20; step++) {
            String[] cells = metrics.get(step).split(",", -1);
            assertEquals(Integer.toString(step), cells[0]);
            if (step % 10 == 0) {
                double exact = Double.parseDouble(cells[5]);
                assertTrue(exact >= 0 && exact <= 1, metrics.get(step));
            } else {
                assertEquals("", cells[5], "exact match only where measured: " + metrics.get(step));
            }
        }

        // five held-out sources, each shown beside the model's output and its target (the source + EOS)
        Matcher example = Pattern.compile("(?m)^  ([0-3]+) → (\\S*) \\| ([0-3]+\\$)$").matcher(o.out());
        int shown = 0;
        for (; example.find(); shown++) assertEquals(example.group(1) + "$", example.group(3));
        assertEquals(5, shown, o.out());

        Matcher last = Pattern.compile("final \\(greedy\\): held-out exact match ([0-9.]+), token accuracy ([0-9.]+)").matcher(o.out());
        assertTrue(last.find(), o.out());
        assertEquals(Double.parseDouble(metrics.get(20).split(",")[5]), Double.parseDouble(last.group(1)), 1e-4);
        double tokens = Double.parseDouble(last.group(2));
        assertTrue(tokens >= 0 && tokens <= 1, o.out());
    }

    @Test
    void symbolsAreOneCharacterEachUpToThirtySixThenNumbers() {
        // ids 0, 1, 2 are PAD, BOS, EOS; symbol s has id s + 3
        assertEquals("^0a$_", CopyCommand.symbols(new int[] {1, 3, 13, 2, 0}, 36));
        assertEquals("^ 0 39 $ _", CopyCommand.symbols(new int[] {1, 3, 42, 2, 0}, 40));
    }
}
