package dev.minitape.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.minitape.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader streams tensor data through a 64 KiB buffer and reads until each buffer is full: a tensor
 * larger than the buffer, a channel that hands out a few bytes at a time (or none), and a file that ends
 * early while it is read.
 */
class StreamedReadTest {
    private static final Path NAME = Path.of("streamed.safetensors");

    @TempDir
    Path dir;

    @Test
    void tensorsLargerThanTheReadBufferComeBackWhole() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("small", Tensor.of(new float[] {-1f, -2f, -3f}));
        tensors.put("big", Tensor.of(ramp(40_001), 40_001));               // 160 004 bytes: three 64 KiB chunks
        tensors.put("after", Tensor.of(ramp(5), 5));
        Path file = dir.resolve("big.safetensors");
        SafeTensors.write(file, tensors);

        Map<String, Tensor> read = SafeTensors.read(file).tensors();

        tensors.forEach((name, t) -> assertArrayEquals(t.toArray(), read.get(name).toArray(), name));
    }

    @Test
    void shortAndEmptyReadsAreReadThrough() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.of(ramp(7), 7));
        tensors.put("b", Tensor.of(ramp(3), 3));
        byte[] bytes = bytesOf(tensors);

        TensorFile f = SafeTensorsReader.read(NAME, new Dribble(new BytesChannel(bytes), bytes.length));

        tensors.forEach((name, t) -> assertArrayEquals(t.toArray(), f.tensors().get(name).toArray(), name));
    }

    @Test
    void aFileThatEndsWhileItIsReadIsNamedWithWhereItEnded() throws IOException {
        Map<String, Tensor> tensors = Map.of("w", Tensor.of(ramp(4), 4));
        byte[] bytes = bytesOf(tensors);
        long end = bytes.length - 6;                                        // 10 of the 16 data bytes are there
        Dribble shrunk = new Dribble(new BytesChannel(java.util.Arrays.copyOf(bytes, (int) end)), bytes.length);

        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensorsReader.read(NAME, shrunk));

        assertEquals(NAME + ": the file ended at byte " + end + " while 6 more bytes were expected; "
                + "was it truncated while being read?", e.getMessage());
    }

    private byte[] bytesOf(Map<String, Tensor> tensors) throws IOException {
        Path file = dir.resolve("t.safetensors");
        SafeTensors.write(file, tensors);
        return Files.readAllBytes(file);
    }

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i * 0.5f + 1;
        return v;
    }

    /** A channel that claims {@code size} bytes and reads at most 3 at a time, and nothing every other call. */
    private static final class Dribble implements SeekableByteChannel {
        private final SeekableByteChannel in;
        private final long size;
        private boolean idle;

        Dribble(SeekableByteChannel in, long size) {
            this.in = in;
            this.size = size;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            idle = !idle;
            if (idle) return 0;
            ByteBuffer few = dst.slice().limit(Math.min(3, dst.remaining()));
            int n = in.read(few);
            if (n > 0) dst.position(dst.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return in.write(src);
        }

        @Override
        public long position() throws IOException {
            return in.position();
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            in.position(newPosition);
            return this;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public SeekableByteChannel truncate(long newSize) throws IOException {
            return in.truncate(newSize);
        }

        @Override
        public boolean isOpen() {
            return in.isOpen();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
