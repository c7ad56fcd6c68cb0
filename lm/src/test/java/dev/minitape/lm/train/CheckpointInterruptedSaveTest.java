package dev.minitape.lm.train;

import static dev.minitape.lm.train.SavedCheckpoints.atStep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A save that fails on one of its files, as a full disk or a crash would stop it, leaves the previous checkpoint. */
class CheckpointInterruptedSaveTest {
    /** A checkpoint saves 6 files: config.json, model.safetensors, tokenizer.json, optimizer.safetensors, state.json, COMPLETE. */
    private static final int FILES = 6;

    /** Writes files as asked until the k-th (from 1), of which it writes half before failing. */
    private static final class FailingOnFile implements CheckpointWriter {
        final IOException failure = new IOException("no space left on device (a test's)");
        private final int failAt;
        private int written;

        FailingOnFile(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public void write(Path file, FileContents contents) throws IOException {
            contents.writeTo(file);
            if (++written < failAt) return;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(ch.size() / 2);
            }
            throw failure;
        }
    }

    @ParameterizedTest(name = "failing on file {0} of " + FILES)
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void aSaveThatFailsPartwayLeavesThePreviousCheckpoint(int failAt, @TempDir Path dir) throws IOException {
        Checkpoint.Contents before = atStep(3, "abcdefgh "), next = atStep(7, "stuvwxyz.");
        Checkpoint.save(dir, Checkpoint.LATEST, before);
        FailingOnFile writer = new FailingOnFile(failAt);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.save(dir, Checkpoint.LATEST, next, writer));
        assertSame(writer.failure, e, "the write's own error reaches the caller");
        assertEquals(failAt, writer.written, "the save stops at the failing file");
        SavedCheckpoints.assertSame(before, Checkpoint.load(dir, Checkpoint.LATEST));
    }

    @Test
    void theNextSaveAfterAnInterruptedOneIsLoaded(@TempDir Path dir) throws IOException {
        Checkpoint.save(dir, Checkpoint.LATEST, atStep(3, "abcdefgh "));
        Checkpoint.Contents next = atStep(7, "stuvwxyz.");
        assertThrows(IOException.class, () -> Checkpoint.save(dir, Checkpoint.LATEST, next, new FailingOnFile(FILES)));
        Checkpoint.save(dir, Checkpoint.LATEST, next);
        SavedCheckpoints.assertSame(next, Checkpoint.load(dir, Checkpoint.LATEST));
        assertFalse(Files.exists(dir.resolve(Checkpoint.LATEST + ".new")), "no half-written folder is left");
    }
}
