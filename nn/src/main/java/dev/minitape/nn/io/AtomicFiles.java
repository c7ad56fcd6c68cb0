package dev.minitape.nn.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file all at once: the new contents go to a temporary file in the same folder
 * ({@code .NAME.tmp-RANDOM}), are forced to disk, then renamed over the target with an atomic move, and
 * the folder is synced where the platform allows it. A reader sees the old file or the new one, never a
 * mix; if anything fails, the temporary file is deleted and the old file is untouched.
 */
public final class AtomicFiles {

    /** Writes the whole contents of the file into the channel. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {}

    /** Replaces {@code file} with {@code bytes}. */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, ch -> {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) ch.write(buffer);
        });
    }

    /** Replaces {@code file} with what {@code contents} writes. */
    public static void write(Path file, Contents contents) throws IOException {
        Path target = file.toAbsolutePath();
        Path folder = target.getParent();
        Path temp = folder.resolve("." + target.getFileName() + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                contents.writeTo(ch);
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                t.addSuppressed(cleanup);
            }
            throw t;
        }
        syncFolder(folder);
    }

    /**
     * Makes the rename durable. Best effort: some platforms (Windows) cannot open or sync a folder, and once
     * the rename is done the new file is in place, so a failure here is not reported as a failed write.
     */
    private static void syncFolder(Path folder) {
        try (FileChannel ch = FileChannel.open(folder, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException notAllowed) {
            // the platform does not allow it; the file itself was forced before the rename
        }
    }
}
