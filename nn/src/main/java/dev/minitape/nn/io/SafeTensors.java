package dev.minitape.nn.io;

import dev.minitape.core.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads and writes <a href="https://github.com/huggingface/safetensors">safetensors</a> files: an 8-byte
 * little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (plus an optional {@code "__metadata__"} object
 * of strings), then the little-endian data buffer the offsets point into.
 * <pre>{@code
 * SafeTensors.write(path, Map.of("w", w), Map.of("step", "100"));   // F32, atomic
 * TensorFile f = SafeTensors.read(path);                            // f.tensors(), f.metadata()
 * }</pre>
 */
public final class SafeTensors {
    private SafeTensors() {}

    /**
     * The tensors (in file order) and metadata of {@code file}. F32, F16, BF16 and F64 tensors are read as
     * float32. Any malformed file (truncated, bad header length, invalid UTF-8 or JSON, missing or extra
     * fields, unknown dtype, bad shape, offsets out of range, overlapping or leaving holes, duplicate
     * names) is a {@link SafeTensorsException} naming the file and the problem.
     */
    public static TensorFile read(Path file) throws IOException {
        return SafeTensorsReader.read(file);
    }

    /**
     * Writes the tensors as F32, in the map's iteration order, with the metadata strings. The write is
     * atomic: {@code file} is replaced only once the new contents are complete and on disk; on any
     * failure the previous file is left as it was and no temporary file remains.
     */
    public static void write(Path file, Map<String, ? extends Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        SafeTensorsWriter.write(file, tensors, metadata);
    }

    /** {@link #write(Path, Map, Map)} with no metadata. */
    public static void write(Path file, Map<String, ? extends Tensor> tensors) throws IOException {
        SafeTensorsWriter.write(file, tensors, Map.of());
    }
}
