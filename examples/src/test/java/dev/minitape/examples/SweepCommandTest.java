package dev.minitape.examples;

import static dev.minitape.examples.CliErrorsTest.cli;
import static dev.minitape.examples.CliErrorsTest.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minitape.lm.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code minitape sweep} over a tiny 2 × 1 sweep: its table, skipping finished runs, resuming an interrupted one. */
class SweepCommandTest {
    @TempDir
    static Path tmp;
    static Path text, sweep;
    static CliErrorsTest.Outcome first;

    /** A tiny model for a few steps: each run takes well under a second. */
    static List<String> tinyRun(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("sweep", "--data", text.toString(), "--warmup", "1", "--eval-every", "2",
                "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "16", "--batch-size", "4",
                "--sample-tokens", "0", "--out", out.toString()));
        args.addAll(List.of(more));
        return args;
    }

    @BeforeAll
    static void sweepTwoSmoothings() throws IOException {
        text = Files.writeString(tmp.resolve("text.txt"), "the cat sat on the mat and the dog ran in the garden. ".repeat(100));
        sweep = tmp.resolve("sweep");
        first = cli(tinyRun(sweep, "--steps", "4", "--label-smoothing", "0,0.1", "--seeds", "1").toArray(String[]::new));
        assertEquals(0, first.code(), first.err());
    }

    @Test
    void eachRowOfSweepCsvIsTheLastEvaluationOfItsRun() throws IOException {
        List<Map<String, String>> rows = readCsv(sweep.resolve("sweep.csv"));
        assertEquals(List.of("ls0_seed1", "ls0.1_seed1"), rows.stream().map(r -> r.get("run")).toList());
        for (Map<String, String> row : rows) {
            Path run = sweep.resolve(row.get("run"));
            List<Map<String, String>> metrics = readCsv(run.resolve("metrics.csv"));
            Map<String, String> lastEval = metrics.stream().filter(m -> !m.get("val_loss").isEmpty()).reduce((a, b) -> b).orElseThrow();
            assertEquals("4", lastEval.get("step"));
            lastEval.forEach((column, value) -> assertEquals(value, row.get(column), row.get("run") + " " + column));
            double smoothing = new ObjectMapper().readTree(run.resolve("checkpoint/config.json").toFile())
                    .path("train").path("labelSmoothing").asDouble();
            assertEquals(Double.parseDouble(row.get("--label-smoothing")), smoothing, "the axis value reached train");
            assertEquals("1", row.get("--seed"));
            assertTrue(first.out().contains(row.get("run")) && first.out().contains(row.get("val_loss")), first.out());
        }
        assertTrue(isPng(sweep.resolve("sweep.png")));
    }

    @Test
    void aRerunSkipsFinishedRunsAndChangesNoRunFile() throws IOException {
        Map<Path, String> before = snapshot(sweep);
        CliErrorsTest.Outcome again = cli(tinyRun(sweep, "--steps", "4", "--label-smoothing", "0,0.1", "--seeds", "1")
                .toArray(String[]::new));
        assertEquals(0, again.code(), again.err());
        assertEquals(2, again.out().lines().filter(l -> l.contains("skipped, finished (step 4 of 4)")).count(), again.out());
        assertEquals(before, snapshot(sweep));
    }

    @Test
    void ctrlCSavesTheRunningRunAndARerunResumesIt() throws Exception {
        Path out = tmp.resolve("interrupted"), run = out.resolve("seed5");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(tinyRun(out, "--steps", "60", "--checkpoint-every", "1", "--seeds", "5"));
        Path log = tmp.resolve("interrupted.log");
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(Launcher.PLAIN_JVM, "1");              // one JVM: the signal reaches the run at once
        Process p = builder.start();
        CrashSafetyTest.awaitCheckpoint(run, 0, p, () -> readOrEmpty(log));
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after Ctrl-C");
        assertEquals(TrainCommand.INTERRUPTED, p.exitValue(), readOrEmpty(log));
        assertTrue(readOrEmpty(log).contains("interrupted: saved step"), readOrEmpty(log));
        int saved = Checkpoint.load(run, Checkpoint.LATEST).state().step();
        assertTrue(saved > 0 && saved < 60, "saved at step " + saved + ": " + readOrEmpty(log));

        CliErrorsTest.Outcome rerun = cli(tinyRun(out, "--steps", "60", "--checkpoint-every", "1", "--seeds", "5")
                .toArray(String[]::new));
        assertEquals(0, rerun.code(), rerun.err());
        assertTrue(rerun.out().contains("resuming from step " + saved + " of 60"), rerun.out());
        List<String> steps = readCsv(run.resolve("metrics.csv")).stream().map(m -> m.get("step")).toList();
        assertEquals(60, steps.size(), "each step logged once");
        assertEquals("60", steps.get(59));
        assertEquals(1, readCsv(out.resolve("sweep.csv")).size());
    }

    @Test
    void aFolderTrainedForOtherStepsIsAnErrorNotSkipped() {
        Path out = tmp.resolve("mismatch");
        CliErrorsTest.Outcome trained = cli("train", "--data", text.toString(), "--steps", "2", "--warmup", "1", "--n-layer", "1",
                "--n-embd", "16", "--n-head", "2", "--block-size", "16", "--batch-size", "4", "--sample-tokens", "0",
                "--out", out.resolve("seed1").toString());
        assertEquals(0, trained.code(), trained.err());
        fails(2, "holds a run of 2 steps but the sweep asks for 4", tinyRun(out, "--steps", "4", "--seeds", "1").toArray(String[]::new));
    }

    @Test
    void badSweepOptionsAreUsageErrors() {
        Path out = tmp.resolve("bad");
        fails(2, "'--no-such' is not an option of train", tinyRun(out, "--no-such", "1").toArray(String[]::new));
        fails(2, "Invalid value for option '--steps'", tinyRun(out, "--steps", "4,x").toArray(String[]::new));
        fails(2, "--out", "sweep", "--label-smoothing", "0,0.1");
        assertTrue(Files.notExists(out), "nothing trained");
    }

    static boolean isPng(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        return b.length > 8 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    /** A CSV whose cells hold no commas (metrics.csv, and sweep.csv here) as one map per row. */
    static List<Map<String, String>> readCsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.length; c++) row.put(header[c], cells[c]);
            rows.add(row);
        }
        return rows;
    }

    /** Every file inside the sweep's run folders, with its size and modification time. */
    private static Map<Path, String> snapshot(Path dir) throws IOException {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).filter(p -> !p.getParent().equals(dir)).toList()) {
                files.put(p, Files.size(p) + " " + Files.getLastModifiedTime(p));
            }
        }
        return files;
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
