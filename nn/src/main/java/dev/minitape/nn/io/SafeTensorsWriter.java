package dev.minitape.nn.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minitape.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes tensors as F32 safetensors, in the map's order and back to back, so the data offsets tile the
 * buffer. The header is compact JSON (Jackson) with {@code __metadata__} first when there is any, padded
 * with spaces to a multiple of 8 bytes so the data starts 8-byte aligned, as the reference writer does.
 */
final class SafeTensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_FLOATS = 1 << 14;

    private SafeTensorsWriter() {}

    static void write(Path file, Map<String, ? extends Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        if (tensors == null) throw new IllegalArgumentException("SafeTensors.write " + file + ": tensors is null");
        if (metadata == null) throw new IllegalArgumentException("SafeTensors.write " + file + ": metadata is null");
        List<Map.Entry<String, ? extends Tensor>> entries = new ArrayList<>(tensors.entrySet());
        byte[] header = header(file, entries, metadata);
        AtomicFiles.write(file, ch -> {
            writeFully(ch, ByteBuffer.wrap(header));
            ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, ? extends Tensor> e : entries) {
                float[] values = e.getValue().data();
                for (int i = 0; i < values.length; i += CHUNK_FLOATS) {
                    int n = Math.min(CHUNK_FLOATS, values.length - i);
                    chunk.clear();
                    chunk.asFloatBuffer().put(values, i, n);
                    chunk.limit(4 * n);
                    writeFully(ch, chunk);
                }
            }
        });
    }

    /** The 8-byte length and the padded JSON header. */
    private static byte[] header(Path file, List<Map.Entry<String, ? extends Tensor>> entries,
                                 Map<String, String> metadata) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(HeaderParser.METADATA_KEY);
            metadata.forEach((k, v) -> {
                if (k == null || v == null) {
                    throw new IllegalArgumentException("SafeTensors.write " + file + ": metadata has a null key or "
                            + "value (" + k + " -> " + v + ")");
                }
                meta.put(k, v);
            });
        }
        long offset = 0;
        for (Map.Entry<String, ? extends Tensor> e : entries) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null || t == null) {
                throw new IllegalArgumentException("SafeTensors.write " + file + ": null name or tensor (" + name + ")");
            }
            if (name.equals(HeaderParser.METADATA_KEY)) {
                throw new IllegalArgumentException("SafeTensors.write " + file + ": a tensor cannot be named "
                        + HeaderParser.METADATA_KEY + "; the format reserves that key for metadata");
            }
            ObjectNode info = root.putObject(name);
            info.put("dtype", DType.F32.name());
            ArrayNode shape = info.putArray("shape");
            for (int d : t.shape()) shape.add(d);
            long bytes = 4L * t.numel();
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(root);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        while (out.hasRemaining()) out.put((byte) ' ');
        return out.array();
    }

    private static void writeFully(FileChannel ch, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) ch.write(src);
    }
}
