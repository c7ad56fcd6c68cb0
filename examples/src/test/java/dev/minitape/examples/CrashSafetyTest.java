package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.lm.train.Checkpoint;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training in a child JVM, killed (SIGKILL) or interrupted (SIGINT) at random moments. */
class CrashSafetyTest {
    @TempDir
    static Path tmp;

    /** `minitape train` for {@code steps} steps in a fresh JVM with this test's classpath, checkpointing after every step. */
    static Process train(Path out, int steps) throws IOException {
        return start(out, "train", "--data", Subprocesses.trainingText(tmp).toString(), "--steps", Integer.toString(steps),
                "--warmup", "5", "--eval-every", "50", "--n-layer", "1", "--n-embd", "32", "--n-head", "2", "--block-size", "32",
                "--batch-size", "4", "--checkpoint-every", "1", "--threads", "1", "--sample-tokens", "0", "--out", out.toString());
    }

    static Process resume(Path out) throws IOException {
        return start(out, "train", "--resume", out.toString(), "--sample-tokens", "0");
    }

    private static Process start(Path out, String... args) throws IOException {
        return new ProcessBuilder(Subprocesses.javaCommand(List.of(), Main.class, args)).redirectErrorStream(true)
                .redirectOutput(tmp.resolve(out.getFileName() + ".log").toFile()).start();
    }

    /**
     * Waits until the run has completed a checkpoint past {@code step}, so that every kill lands in a run that is
     * busy writing checkpoints, however fast or slow the machine. Loading may race the writer's renames; retry.
     */
    static void awaitCheckpointAfter(Path out, int step, Process p) throws Exception {
        awaitCheckpoint(out, step, p, () -> log(out));
    }

    /** As {@link #awaitCheckpointAfter}, with the run's log from {@code log} when it fails. */
    static void awaitCheckpoint(Path out, int step, Process p, Supplier<String> log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), () -> "the run exited early: " + log.get());
            try {
                if (Checkpoint.load(out, Checkpoint.LATEST).state().step() > step) return;
            } catch (IOException | RuntimeException notYet) {
                // no complete checkpoint yet, or the writer renamed a folder while we read it
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no checkpoint after step " + step + " within 90 s: " + log.get());
    }

    static String log(Path out) {
        try {
            return Files.readString(tmp.resolve(out.getFileName() + ".log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Test
    void everyCheckpointThatSurvivesASigkillLoadsAndResumes() throws Exception {
        Rng rng = new Rng(42);
        Path out = tmp.resolve("killed");
        int resumedFrom = 0;
        for (int kill = 0; kill < 6; kill++) {
            Process p = kill == 0 ? train(out, 1_000_000) : resume(out);
            awaitCheckpointAfter(out, resumedFrom, p);
            Thread.sleep(rng.nextInt(400));                    // then kill it mid-whatever: often mid-write
            p.destroyForcibly();                               // SIGKILL on Unix
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            // A complete checkpoint, once written, always remains, and progress is never lost.
            int step = Checkpoint.load(out, Checkpoint.LATEST).state().step();
            assertTrue(step > resumedFrom, "progress is never lost: " + step + " <= " + resumedFrom);
            resumedFrom = step;
        }
    }

    @Test
    void ctrlCSavesACheckpointThatResumeContinues() throws Exception {
        Path out = tmp.resolve("interrupted");
        Process p = train(out, 400);
        awaitCheckpointAfter(out, 0, p);                       // then press Ctrl-C mid-run
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after Ctrl-C");
        String log = Files.readString(tmp.resolve("interrupted.log"));
        assertTrue(log.contains("interrupted: saved step"), log);
        int saved = Checkpoint.load(out, Checkpoint.LATEST).state().step();
        assertTrue(saved > 0 && saved < 400, "saved at step " + saved);
        Process resumed = resume(out);
        assertTrue(resumed.waitFor(120, TimeUnit.SECONDS), "the resumed run finishes");
        assertEquals(0, resumed.exitValue(), Files.readString(tmp.resolve("interrupted.log")));
        assertEquals(400, Checkpoint.load(out, Checkpoint.LATEST).state().step());
        assertTrue(new File(out.resolve("metrics.csv").toString()).length() > 0);
    }
}
