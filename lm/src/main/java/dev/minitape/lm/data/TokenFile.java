package dev.minitape.lm.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file of token ids, little-endian, two bytes each (unsigned) when the vocabulary has at most 65,536 tokens,
 * four otherwise; nothing else in it, so its length gives the count. {@link Writer} appends ids to a temporary
 * file and {@link Writer#commit} renames it into place atomically, so the file at its name is always whole;
 * {@link #open} reads windows of it back.
 *
 * <p>Why positional reads and not a memory map: with the file mapped, random windows made the process's
 * resident size grow by about 1 MiB per window, 720 MB after 20 steps of 32 windows on a 2 GB token file
 * (on a fault the kernel maps in the pages it reads around the window, up to the disk's read-ahead, 8 MiB
 * on the machine measured, and mapped pages count as resident). A positional read copies just the window;
 * the pages stay in the OS's page cache, outside the process.
 */
public final class TokenFile {
    private TokenFile() {}

    /** Bytes per id for a vocabulary of {@code vocabSize} tokens: 2 or 4. */
    public static int width(int vocabSize) {
        return vocabSize <= 65_536 ? 2 : 4;
    }

    /** Appends ids to a temporary file beside {@code target}; {@link #commit} moves it to {@code target}. */
    public static final class Writer implements AutoCloseable {
        private final Path target, temp;
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private final int width;
        private long count;
        private boolean committed;

        public Writer(Path target, int vocabSize) throws IOException {
            this.target = target;
            this.width = width(vocabSize);
            Files.createDirectories(target.toAbsolutePath().getParent());
            temp = Files.createTempFile(target.toAbsolutePath().getParent(), target.getFileName() + ".", ".tmp");
            channel = FileChannel.open(temp, StandardOpenOption.WRITE);
        }

        public void add(int id) throws IOException {
            if (buffer.remaining() < width) flush();
            if (width == 2) buffer.putShort((short) id);
            else buffer.putInt(id);
            count++;
        }

        public void addAll(int[] ids) throws IOException {
            for (int id : ids) add(id);
        }

        public long count() {
            return count;
        }

        /** Writes the rest, forces it to disk, and renames the file to its target. */
        public void commit() throws IOException {
            flush();
            channel.force(true);
            channel.close();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            committed = true;
        }

        private void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) channel.write(buffer);
            buffer.clear();
        }

        /** Without a commit, deletes the temporary file: a failed write leaves nothing behind. */
        @Override
        public void close() throws IOException {
            if (committed) return;
            channel.close();
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The ids in {@code file}, written for a vocabulary of {@code vocabSize} tokens, read on demand with positional
     * reads: the file stays open and only the windows asked for are read, through the OS's page cache.
     */
    public static TokenArray open(Path file, int vocabSize) throws IOException {
        int width = width(vocabSize);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        long bytes = channel.size();
        if (bytes % width != 0 || bytes / width > Integer.MAX_VALUE) {
            channel.close();
            throw new IOException(file + " is not a token file of " + width + "-byte ids (" + bytes + " bytes)");
        }
        return new OnDisk(channel, width, (int) (bytes / width));
    }

    /** Ids read from an open channel; positional reads are safe from several threads. */
    private record OnDisk(FileChannel channel, int width, int size) implements TokenArray {
        @Override
        public int get(int i) {
            int[] one = new int[1];
            copy(i, one, 0, 1);
            return one[0];
        }

        @Override
        public void copy(int from, int[] dst, int at, int len) {
            if (from < 0 || len < 0 || from > size - len) {
                throw new IndexOutOfBoundsException("tokens [" + from + ", " + (from + len) + ") of " + size);
            }
            ByteBuffer buf = ByteBuffer.allocate(len * width).order(ByteOrder.LITTLE_ENDIAN);
            try {
                for (long pos = (long) from * width; buf.hasRemaining(); ) {
                    int n = channel.read(buf, pos + buf.position());
                    if (n < 0) throw new IOException("the token file ended early");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading tokens [" + from + ", " + (from + len) + "): " + e.getMessage(), e);
            }
            buf.flip();
            for (int i = 0; i < len; i++) dst[at + i] = width == 2 ? Short.toUnsignedInt(buf.getShort()) : buf.getInt();
        }
    }
}
