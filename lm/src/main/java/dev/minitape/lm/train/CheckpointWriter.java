package dev.minitape.lm.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How {@link Checkpoint#save} writes each file of a checkpoint. {@link #DIRECT} just writes it; a test passes
 * one that fails on a chosen file, to check that a save interrupted there leaves the previous checkpoint whole.
 */
@FunctionalInterface
interface CheckpointWriter {
    CheckpointWriter DIRECT = (file, contents) -> contents.writeTo(file);

    /** Writes {@code file} by running {@code contents} on it. */
    void write(Path file, FileContents contents) throws IOException;

    /** Writes one whole file. */
    @FunctionalInterface
    interface FileContents {
        void writeTo(Path file) throws IOException;
    }
}
