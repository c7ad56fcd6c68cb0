package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.examples.CliErrorsTest.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One trainer per run folder: a second is refused naming the first; a lock left by a dead process is taken over. */
class RunLockTest {
    @TempDir
    Path tmp;

    private static String lockOf(ProcessHandle p) {
        return p.pid() + " " + p.info().startInstant().orElseThrow().toEpochMilli();
    }

    /** The lock a process that has now ended would have written: a stale lock. */
    private static String deadProcessLock() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String lock = lockOf(p.toHandle());
        p.waitFor();
        return lock;
    }

    @Test
    void aSecondTrainerIsRefusedUntilTheFirstReleases() {
        RunLock first = RunLock.take(tmp);
        var e = assertThrows(IllegalArgumentException.class, () -> RunLock.take(tmp));
        assertTrue(e.getMessage().startsWith(tmp + " is in use by training process " + ProcessHandle.current().pid()
                + " (started "), e.getMessage());
        first.close();
        assertFalse(Files.exists(tmp.resolve(RunLock.FILE)), "released");
        RunLock.take(tmp).close();
    }

    @Test
    void aLockLeftByAKilledProcessIsTakenOver() throws Exception {
        Files.writeString(tmp.resolve(RunLock.FILE), deadProcessLock());
        try (RunLock taken = RunLock.take(tmp)) {
            assertEquals(lockOf(ProcessHandle.current()), Files.readString(tmp.resolve(RunLock.FILE)));
        }
    }

    @Test
    void aLiveIdWithAnotherStartTimeIsAReusedIdSoTheLockIsStale() throws IOException {
        Files.writeString(tmp.resolve(RunLock.FILE), ProcessHandle.current().pid() + " 12345");
        RunLock.take(tmp).close();
    }

    @Test
    void anEmptyLockIsBeingWrittenWhenFreshAndStaleWhenOld() throws IOException {
        Path lock = Files.createFile(tmp.resolve(RunLock.FILE));
        var e = assertThrows(IllegalArgumentException.class, () -> RunLock.take(tmp));
        assertTrue(e.getMessage().contains("just now"), e.getMessage());
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(60)));
        RunLock.take(tmp).close();
    }

    @Test
    void theCliRefusesASecondTrainInOneLineAndTakesOverAStaleLock() throws Exception {
        Path text = Subprocesses.trainingText(tmp);
        Path run = Files.createDirectories(tmp.resolve("run"));
        String[] train = {"train", "--data", text.toString(), "--steps", "2", "--warmup", "1", "--eval-every", "2",
                "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "16", "--batch-size", "2",
                "--sample-tokens", "0", "--out", run.toString()};
        Files.writeString(run.resolve(RunLock.FILE), lockOf(ProcessHandle.current()));
        CliErrorsTest.fails(2, run + " is in use by training process " + ProcessHandle.current().pid(), train);
        assertEquals("", CliErrorsTest.cli(train).out(), "refused before reading the data");

        Files.writeString(run.resolve(RunLock.FILE), deadProcessLock());
        Outcome o = CliErrorsTest.cli(train);
        assertEquals(0, o.code(), o.err());
        assertFalse(Files.exists(run.resolve(RunLock.FILE)), "the lock is removed when the run ends");
    }
}
