package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.lm.train.Checkpoint;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training in a child JVM, killed (SIGKILL) or interrupted (SIGINT) at random moments. */
class CrashSafetyTest {
    @TempDir
    static Path tmp;
    static Path text;

    @BeforeAll
    static void writeText() throws IOException {
        text = Files.writeString(tmp.resolve("text.txt"), "the cat sat on the mat and the dog ran in the garden. ".repeat(400));
    }

    /** `minitape train` in a fresh JVM with this test's classpath, checkpointing after every step. */
    static Process train(Path out, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        if (extra.length > 0 && extra[0].equals("--resume")) {
            cmd.addAll(List.of("train", "--resume", out.toString(), "--sample-tokens", "0"));
        } else {
            cmd.addAll(List.of("train", "--data", text.toString(), "--steps", "400", "--warmup", "5", "--eval-every", "50",
                    "--n-layer", "1", "--n-embd", "32", "--n-head", "2", "--block-size", "32", "--batch-size", "4",
                    "--checkpoint-every", "1", "--threads", "1", "--sample-tokens", "0", "--out", out.toString()));
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(out.getFileName() + ".log").toFile()).start();
    }

    @Test
    void everyCheckpointThatSurvivesASigkillLoadsAndResumes() throws Exception {
        Rng rng = new Rng(42);
        Path out = tmp.resolve("killed");
        int kills = 0, resumedFrom = -1;
        for (int round = 0; round < 6; round++) {
            Process p = resumedFrom >= 0 ? train(out, "--resume") : train(out);
            // Let it run past JVM start-up and a few checkpoints, then kill it mid-whatever.
            Thread.sleep((resumedFrom < 0 ? 4000 : 1500) + rng.nextInt(2000));
            if (!p.isAlive()) {
                assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("killed.log")));
                break;                                          // it finished before the kill
            }
            p.destroyForcibly();                               // SIGKILL on Unix
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            kills++;
            Checkpoint.Contents c;
            try {
                c = Checkpoint.load(out, Checkpoint.LATEST);
            } catch (java.nio.file.NoSuchFileException none) {
                // Killed before the first checkpoint was complete: start again. Once one was complete,
                // a complete one must always remain.
                assertTrue(resumedFrom < 0, "a complete checkpoint, once written, never disappears: " + none.getMessage());
                continue;
            }
            assertTrue(c.state().step() >= resumedFrom, "progress is never lost: " + c.state().step() + " < " + resumedFrom);
            resumedFrom = c.state().step();
        }
        assertTrue(kills >= 3, "killed " + kills + " times");
        assertTrue(resumedFrom > 0, "some checkpoint survived");
    }

    @Test
    void ctrlCSavesACheckpointThatResumeContinues() throws Exception {
        Path out = tmp.resolve("interrupted");
        Process p = train(out);
        // Wait for the first checkpoint, then let it run a little more and press Ctrl-C.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(out.resolve("checkpoint")) && System.nanoTime() < deadline) Thread.sleep(100);
        Thread.sleep(500);
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after Ctrl-C");
        String log = Files.readString(tmp.resolve("interrupted.log"));
        assertTrue(log.contains("interrupted: saved step"), log);
        int saved = Checkpoint.load(out, Checkpoint.LATEST).state().step();
        assertTrue(saved > 0 && saved < 400, "saved at step " + saved);
        Process resumed = train(out, "--resume");
        assertTrue(resumed.waitFor(120, TimeUnit.SECONDS), "the resumed run finishes");
        assertEquals(0, resumed.exitValue(), Files.readString(tmp.resolve("interrupted.log")));
        assertEquals(400, Checkpoint.load(out, Checkpoint.LATEST).state().step());
        assertTrue(new File(out.resolve("metrics.csv").toString()).length() > 0);
    }
}
