package dev.minitape.examples;

import static dev.minitape.examples.CliErrorsTest.cli;
import static dev.minitape.examples.CliErrorsTest.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code minitape compare}: two runs that differ in label smoothing only, side by side. */
class CompareCommandTest {
    @TempDir
    static Path tmp;
    static Path plain, smoothed;

    @BeforeAll
    static void trainTwoRuns() throws IOException {
        Path text = Files.writeString(tmp.resolve("text.txt"), "the cat sat on the mat and the dog ran in the garden. ".repeat(100));
        plain = tmp.resolve("plain");
        smoothed = tmp.resolve("smoothed");
        for (Path run : List.of(plain, smoothed)) {
            CliErrorsTest.Outcome o = cli("train", "--data", text.toString(), "--steps", "4", "--warmup", "1", "--eval-every", "2",
                    "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "16", "--batch-size", "4",
                    "--sample-tokens", "0", "--label-smoothing", run == plain ? "0" : "0.1", "--out", run.toString());
            assertEquals(0, o.code(), o.err());
        }
    }

    @Test
    void theTableShowsOnlyTheOptionsThatDifferAndTheFinalFigures() throws IOException {
        CliErrorsTest.Outcome o = cli("compare", plain.toString(), smoothed.toString());
        assertEquals(0, o.code(), o.err());
        List<String> lines = o.out().lines().toList();
        assertTrue(lines.get(0).contains("plain") && lines.get(0).contains("smoothed"), o.out());
        assertTrue(o.out().contains("train.labelSmoothing"), o.out());
        for (String same : List.of("train.steps", "model.nEmbd", "train.seed", "data")) {
            assertFalse(lines.stream().anyMatch(l -> l.strip().startsWith(same + " ")), same + " is the same in both: " + o.out());
        }
        for (Path run : List.of(plain, smoothed)) {
            Map<String, String> last = SweepCommandTest.readCsv(run.resolve("metrics.csv")).get(3);
            String valLossRow = lines.stream().filter(l -> l.strip().startsWith("val_loss ")).findFirst().orElseThrow();
            assertTrue(valLossRow.contains(last.get("val_loss")), valLossRow + " shows " + last.get("val_loss"));
        }
    }

    @Test
    void plotOverlaysTheirCurves() throws IOException {
        Path png = tmp.resolve("both.png");
        CliErrorsTest.Outcome o = cli("compare", plain.toString(), smoothed.toString(), "--plot", png.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(SweepCommandTest.isPng(png));
    }

    @Test
    void aFolderThatIsNotARunIsNamed() throws IOException {
        fails(2, "nope is not a run folder: no such folder", "compare", plain.toString(), tmp.resolve("nope").toString());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        fails(2, "empty is not a run folder: it holds no metrics.csv", "compare", empty.toString());
        Path notYet = Files.createDirectories(tmp.resolve("not-yet"));
        Files.writeString(notYet.resolve("metrics.csv"), "step,train_loss,val_loss,lr,tokens_per_sec\n1,4.1,,0.003,900\n");
        fails(2, "not-yet has no evaluation yet", "compare", notYet.toString());
        fails(2, "RUN", "compare");
    }
}
