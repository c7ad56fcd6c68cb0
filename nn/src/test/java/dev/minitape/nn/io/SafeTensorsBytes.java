package dev.minitape.nn.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-built safetensors bytes for tests: an 8-byte little-endian length, a header, then the data. */
final class SafeTensorsBytes {
    private SafeTensorsBytes() {}

    /** A file whose header is {@code json} (single quotes become double quotes) and whose buffer is {@code data}. */
    static byte[] file(String json, byte[] data) {
        byte[] header = json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
        return file(header.length, header, data);
    }

    /** A file with an explicit (possibly wrong) header length. */
    static byte[] file(long headerLength, byte[] header, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array());
        out.writeBytes(header);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** {@code values} as little-endian float32 bytes. */
    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    static Path write(Path dir, String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
