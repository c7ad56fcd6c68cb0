package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --grad-accum, --patience and --resume DIR --eval-only from the command line. */
class TrainingControlsTest {
    /**
     * A loss printed to 4 decimals against metrics.csv's 6 significant digits: ±5e-5 and ±5e-6 of rounding,
     * and up to 2e-5 between a mean of float losses and the same mean in double (see TrainerTest).
     */
    private static final double PRINTED = 1e-4;

    @TempDir
    static Path tmp;

    private static List<String> tinyRun(Path out, String... more) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", Subprocesses.trainingText(tmp).toString(),
                "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "16", "--batch-size", "2", "--threads", "1",
                "--sample-tokens", "0", "--out", out.toString()));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void gradAccumIsRecordedInTheRunsConfig() throws IOException {
        Path run = tmp.resolve("accum");
        CliErrorsTest.Outcome o = CliErrorsTest.cli(tinyRun(run, "--steps", "4", "--warmup", "1", "--eval-every", "2",
                "--grad-accum", "3").toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        String config = Files.readString(run.resolve("checkpoint/config.json"));
        assertTrue(config.contains("\"gradAccum\" : 3"), config);
    }

    @Test
    void patienceStopsTheRunWithOneLineSayingWhy() throws Exception {
        // lr 1e-30 leaves the weights as they are: the loss of step 5's evaluation is never beaten
        Path run = tmp.resolve("patience"), log = tmp.resolve("patience.log");
        List<String> args = tinyRun(run, "--steps", "100", "--lr", "1e-30", "--min-lr", "0", "--warmup", "0", "--eval-every", "5",
                "--patience", "3");
        Process p = new ProcessBuilder(Subprocesses.javaCommand(List.of(), Main.class, args.toArray(String[]::new)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run ends");
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        List<String> stops = output.lines().filter(l -> l.contains("stopping at step")).toList();
        assertEquals(1, stops.size(), output);
        Matcher m = Pattern.compile("stopping at step 20: val loss has not improved for 3 evaluations \\(best (\\S+) at step 5\\)$")
                .matcher(stops.get(0));
        assertTrue(m.find(), stops.get(0));
        assertEquals(lastValLoss(run), Double.parseDouble(m.group(1)), PRINTED, "the best is the loss every evaluation repeated");
        assertTrue(output.contains("validation loss:"), "a run that ran out of patience reports as a finished one:\n" + output);
    }

    @Test
    void evalOnlyPrintsTheCheckpointsValidationFiguresAndWritesNothing() throws IOException {
        Path run = tmp.resolve("evalonly");
        assertEquals(0, CliErrorsTest.cli(tinyRun(run, "--steps", "6", "--warmup", "1", "--eval-every", "3")
                .toArray(String[]::new)).code());
        Map<String, String> before = snapshot(run);
        CliErrorsTest.Outcome o = CliErrorsTest.cli("train", "--resume", run.toString(), "--eval-only");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("step 6 of " + run), o.out());
        Matcher m = Pattern.compile("eval loss: (\\S+) nats/token").matcher(o.out());
        assertTrue(m.find(), o.out());
        assertEquals(lastValLoss(run), Double.parseDouble(m.group(1)), PRINTED, "the loss training logged at its last step");
        assertTrue(o.out().contains("ECE"), o.out());
        assertEquals(before, snapshot(run), "nothing in the run folder changed");

        CliErrorsTest.fails(2, "--eval-only needs --resume DIR", "train", "--eval-only");
    }

    /** The val_loss of metrics.csv's last row. */
    private static double lastValLoss(Path run) throws IOException {
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        return Double.parseDouble(rows.get(rows.size() - 1).split(",")[2]);
    }

    /** Every file under dir with its size and modification time. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.toList()) {
                files.put(dir.relativize(f).toString(), Files.isDirectory(f) ? "dir" : Files.size(f) + " " + Files.getLastModifiedTime(f));
            }
        }
        return files;
    }
}
