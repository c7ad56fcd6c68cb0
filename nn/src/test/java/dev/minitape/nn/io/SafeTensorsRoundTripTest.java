package dev.minitape.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minitape.core.Tensor;
import dev.minitape.nn.Parameter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing then reading gives back exactly what was written, in a file laid out as the format specifies. */
class SafeTensorsRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void aModuleSavedAndLoadedIntoAFreshModuleIsBitIdentical() throws IOException {
        TinyNet saved = new TinyNet(1);
        TinyNet fresh = new TinyNet(2);
        assertFalse(Arrays.equals(saved.embed.toArray(), fresh.embed.toArray()), "the seeds must differ");
        Path file = dir.resolve("model.safetensors");

        ModuleIo.save(saved, file, Map.of("step", "100"));
        Map<String, String> metadata = ModuleIo.load(fresh, file);

        assertEquals(Map.of("step", "100"), metadata);
        Map<String, Parameter> expected = saved.namedParameters();
        Map<String, Parameter> actual = fresh.namedParameters();
        assertEquals(List.of("scale", "embed", "proj.weight", "proj.bias"), new ArrayList<>(actual.keySet()));
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).shape(), actual.get(name).shape(), name);
            assertArrayEquals(bits(expected.get(name).toArray()), bits(actual.get(name).toArray()), name);
        }
    }

    @Test
    void metadataRoundTripsInOrderIncludingUnicodeAndEmptyValues() throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("config", "{\"n_layer\": 2, \"quote\": \"\\\"\"}");
        metadata.put("note", "naïve ∑ 日本 🙂\nsecond line");
        metadata.put("empty", "");
        Path file = dir.resolve("m.safetensors");

        SafeTensors.write(file, Map.of("x", Tensor.of(new float[] {1, 2})), metadata);

        TensorFile read = SafeTensors.read(file);
        assertEquals(new ArrayList<>(metadata.entrySet()), new ArrayList<>(read.metadata().entrySet()));
    }

    @Test
    void tensorsComeBackInInsertionOrderWithTheirShapesIncludingScalarsAndEmptyTensors() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("z.last.first", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("a", Tensor.scalar(7f));
        tensors.put("empty", Tensor.zeros(0, 3));
        tensors.put("m", Tensor.of(new float[] {8, 9}, 1, 1, 2));
        Path file = dir.resolve("t.safetensors");

        SafeTensors.write(file, tensors);
        TensorFile read = SafeTensors.read(file);

        assertEquals(new ArrayList<>(tensors.keySet()), new ArrayList<>(read.tensors().keySet()));
        tensors.forEach((name, t) -> {
            assertArrayEquals(t.shape(), read.tensors().get(name).shape(), name);
            assertArrayEquals(t.toArray(), read.tensors().get(name).toArray(), name);
        });
        assertTrue(read.metadata().isEmpty());
    }

    @Test
    void specialFloatValuesKeepTheirExactBits() throws IOException {
        float[] values = {Float.intBitsToFloat(0x7fc01234), -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE, -Float.MAX_VALUE, 1e-40f};
        Path file = dir.resolve("special.safetensors");

        SafeTensors.write(file, Map.of("v", Tensor.of(values)));

        assertArrayEquals(bits(values), bits(SafeTensors.read(file).tensors().get("v").toArray()));
    }

    /** The reference writer's own unit tests (huggingface/safetensors, safetensors/src/tensor.rs). */
    @Test
    void theBytesMatchTheReferenceImplementationsTestVectors() throws IOException {
        // test_serialization: "attn.0", F32, shape [1, 2, 3], values 0..5; the 64-byte header needs no padding
        byte[] attn0 = writeBytes(Map.of("attn.0", Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 2, 3)), Map.of());
        assertEquals(header(64, "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}")
                + "|" + hex(SafeTensorsBytes.f32(0, 1, 2, 3, 4, 5)), split(attn0, 64));

        // test_serialization_forced_alignement: "attn0", shape [1, 1, 2, 3]: 65 bytes of JSON + 7 spaces
        byte[] aligned = writeBytes(Map.of("attn0", Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 1, 1, 2, 3)), Map.of());
        assertEquals(header(72, "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       ")
                + "|" + hex(SafeTensorsBytes.f32(0, 1, 2, 3, 4, 5)), split(aligned, 72));

        // test_empty: no tensors, with and without metadata
        assertEquals(header(8, "{}      ") + "|", split(writeBytes(Map.of(), Map.of()), 8));
        assertEquals(header(40, "{\"__metadata__\":{\"framework\":\"pt\"}}     ") + "|",
                split(writeBytes(Map.of(), Map.of("framework", "pt")), 40));
    }

    @Test
    void theHeaderIsJsonPaddedWithSpacesToAMultipleOf8AndTheOffsetsTileTheBuffer() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.of(new float[] {1, 2, 3}));
        tensors.put("bb", Tensor.of(new float[] {4}));
        tensors.put("ccc", Tensor.zeros(2, 2));
        byte[] bytes = writeBytes(tensors, Map.of("k", "v"));

        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header length");
        assertEquals(8 + n + 4 * (3 + 1 + 4), bytes.length, "file length");
        String json = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals(json.strip(), json.substring(0, json.lastIndexOf('}') + 1), "only spaces after the JSON");
        JsonNode header = new ObjectMapper().readTree(json);
        assertEquals(List.of("__metadata__", "a", "bb", "ccc"), iteratorToList(header.fieldNames()));
        assertEquals("[0,12]", header.get("a").get("data_offsets").toString());
        assertEquals("[12,16]", header.get("bb").get("data_offsets").toString());
        assertEquals("[16,32]", header.get("ccc").get("data_offsets").toString());
    }

    @Test
    void halfBfloatAndDoubleTensorsAreReadAsFloat32() throws IOException {
        // F16: 1.0, -2.0, +inf, smallest subnormal 2^-24, -0.0, 65504 (max); BF16: 1.0, -3.0; F64: 1/3
        ByteBuffer f16 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (int h : new int[] {0x3c00, 0xc000, 0x7c00, 0x0001, 0x8000, 0x7bff}) f16.putShort((short) h);
        ByteBuffer bf16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3f80).putShort((short) 0xc040);
        ByteBuffer f64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(1.0 / 3.0);
        byte[] data = concat(f16.array(), bf16.array(), f64.array());
        Path file = SafeTensorsBytes.write(dir, "mixed.safetensors", SafeTensorsBytes.file("{"
                + "'h':{'dtype':'F16','shape':[2,3],'data_offsets':[0,12]},"
                + "'b':{'dtype':'BF16','shape':[2],'data_offsets':[12,16]},"
                + "'d':{'dtype':'F64','shape':[],'data_offsets':[16,24]}}", data));

        Map<String, Tensor> t = SafeTensors.read(file).tensors();

        assertArrayEquals(bits(new float[] {1f, -2f, Float.POSITIVE_INFINITY, 0x1p-24f, -0f, 65504f}),
                bits(t.get("h").toArray()));
        assertArrayEquals(new int[] {2, 3}, t.get("h").shape());
        assertArrayEquals(new float[] {1f, -3f}, t.get("b").toArray());
        assertEquals((float) (1.0 / 3.0), t.get("d").item());
        assertEquals(0, t.get("d").dim());
    }

    @Test
    void halfNaNsStayNaNsWithTheirPayload() {
        // a half NaN's 10 mantissa bits are the top 10 of the float's 23, as numpy's float16 → float32
        assertEquals(0x7fc00000, Float.floatToRawIntBits(DType.halfToFloat((short) 0x7e00)));
        assertEquals(0xffc02000, Float.floatToRawIntBits(DType.halfToFloat((short) 0xfe01)));
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private byte[] writeBytes(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Path file = Files.createTempFile(dir, "w", ".safetensors");
        SafeTensors.write(file, tensors, metadata);
        return Files.readAllBytes(file);
    }

    /** "n|header text" for the first 8 + n bytes. */
    private static String header(long n, String json) {
        return n + "|" + json;
    }

    private static String split(byte[] bytes, int n) {
        long length = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return length + "|" + new String(bytes, 8, n, StandardCharsets.UTF_8) + "|"
                + hex(Arrays.copyOfRange(bytes, 8 + n, bytes.length));
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) sb.append(String.format("%02x", b));
        return sb.toString();
    }

    static int[] bits(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) out[i] = Float.floatToRawIntBits(values[i]);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    private static List<String> iteratorToList(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
