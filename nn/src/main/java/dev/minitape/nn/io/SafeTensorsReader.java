package dev.minitape.nn.io;

import dev.minitape.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a safetensors file, checking it completely before reading any tensor data. Nothing is allocated
 * from a length the file claims until that length has been checked against the bytes actually present:
 * the header costs its own size (at most 100 MB), each tensor its element count (at most twice its
 * bytes, for F16/BF16), and the data is streamed through a buffer of at most 64 KiB.
 */
final class SafeTensorsReader {
    /** The reference implementation's limit on the header's size. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final int CHUNK_BYTES = 1 << 16;

    private SafeTensorsReader() {}

    static TensorFile read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, ch);
        }
    }

    /** Reads from {@code ch} (its whole size); {@code file} names it in messages. */
    static TensorFile read(Path file, SeekableByteChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new SafeTensorsException(file, "the file has " + size + " bytes, too few to hold the 8-byte "
                    + "header length; it is empty or truncated, not a safetensors file");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, lengthBytes, 0);
        long n = lengthBytes.getLong(0);                           // unsigned u64
        if (Long.compareUnsigned(n, size - 8) > 0) {
            throw new SafeTensorsException(file, "the header length " + Long.toUnsignedString(n) + " reaches past "
                    + "the end of the file (" + size + " bytes, so at most " + (size - 8) + " after the length); "
                    + "the file is truncated or not a safetensors file");
        }
        if (n > MAX_HEADER_BYTES) {
            throw new SafeTensorsException(file, "the header length " + n + " is over the 100 MB limit "
                    + "safetensors sets (" + MAX_HEADER_BYTES + " bytes)");
        }
        ByteBuffer json = ByteBuffer.allocate((int) n);
        readFully(file, ch, json, 8);
        long base = 8 + n;
        Header header = HeaderParser.parse(file, json.array(), size - base);

        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, Math.max(8, size - base)))
                .order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Header.Entry e : header.entries()) {
            tensors.put(e.name(), new Tensor(values(file, ch, e, base, chunk), e.shape()));
        }
        return new TensorFile(tensors, header.metadata());
    }

    /** The entry's elements as floats, streamed through {@code chunk}. */
    private static float[] values(Path file, SeekableByteChannel ch, Header.Entry e, long base, ByteBuffer chunk)
            throws IOException {
        int size = e.dtype().size;
        int perChunk = chunk.capacity() / size;
        float[] out = new float[e.numel()];
        long position = base + e.begin();
        for (int done = 0; done < out.length; ) {
            int count = Math.min(perChunk, out.length - done);
            chunk.clear().limit(count * size);
            readFully(file, ch, chunk, position);
            chunk.flip();
            e.dtype().decode(chunk, out, done, count);
            position += (long) count * size;
            done += count;
        }
        return out;
    }

    private static void readFully(Path file, SeekableByteChannel ch, ByteBuffer dst, long position)
            throws IOException {
        long at = position;
        ch.position(position);
        while (dst.hasRemaining()) {
            int read = ch.read(dst);
            if (read < 0) {
                throw new SafeTensorsException(file, "the file ended at byte " + at + " while " + dst.remaining()
                        + " more bytes were expected; was it truncated while being read?");
            }
            at += read;
        }
    }
}
