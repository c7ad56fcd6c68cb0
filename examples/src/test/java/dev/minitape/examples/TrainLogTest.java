package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.examples.CliErrorsTest.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a training run prints when nobody watches a terminal: a log that reads in a file. */
class TrainLogTest {
    @TempDir
    Path tmp;

    private String[] train(String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--data", Subprocesses.trainingText(tmp).toString(),
                "--steps", "200", "--warmup", "5", "--eval-every", "50", "--n-layer", "1", "--n-embd", "16", "--n-head", "2",
                "--block-size", "16", "--batch-size", "4", "--sample-tokens", "20", "--out", tmp.resolve("run").toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    void throughTheLauncherIntoFilesThereIsNoCarriageReturnAndNoBar() throws Exception {
        Path out = tmp.resolve("out.txt"), err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(Subprocesses.javaCommand(List.of(), Launcher.class, train()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run finishes");
        String log = Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), log);
        assertFalse(log.contains("\r"), "no carriage return:\n" + log);
        assertFalse(log.contains("\033"), "no terminal escapes:\n" + log);
        assertTrue(log.lines().count() < 100, log);
        for (int step = 50; step <= 200; step += 50) assertTrue(log.contains("step " + step + ": train "), log);
    }

    @Test
    void quietPrintsOnlyTheResults() throws Exception {
        Outcome o = CliErrorsTest.cli(train("--quiet"));
        assertEquals(0, o.code(), o.err());
        assertFalse(o.out().contains("step ") || o.out().contains("model:") || o.out().contains("data:"), o.out());
        assertTrue(o.out().contains("run folder: ") && o.out().contains("sample:"), o.out());
        assertEquals("", o.err());
    }
}
