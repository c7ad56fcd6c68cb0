package dev.minitape.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minitape.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile input never escapes as anything but a SafeTensorsException: random bytes, random mutations of
 * valid files (bit flips, truncations, header length edits, digit edits that keep the JSON valid) and
 * randomly assembled headers; never OutOfMemoryError, another exception type, or a hang. Input that cannot be a
 * safetensors file is rejected; input that may be one is rejected, or read as its header says: each tensor's
 * shape and the values at its data_offsets, in header order, and the metadata.
 */
class SafeTensorsFuzzPropertyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path NAME = Path.of("fuzz.safetensors");
    private static List<byte[]> bases;

    @BeforeContainer
    static void validFiles() throws IOException {
        Path dir = Files.createTempDirectory("safetensors-fuzz");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("embed.weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("scale", Tensor.scalar(0.5f));
        tensors.put("empty", Tensor.zeros(0, 2));
        tensors.put("proj.bias", Tensor.of(new float[] {-1, 1}));
        Path minitape = dir.resolve("minitape.safetensors");
        SafeTensors.write(minitape, tensors, Map.of("step", "7"));
        try (InputStream pytorch = SafeTensorsFuzzPropertyTest.class
                .getResourceAsStream("/fixtures/safetensors/from_pytorch.safetensors")) {
            bases = List.of(Files.readAllBytes(minitape), pytorch.readAllBytes());  // F32 / F16, BF16, F64
        }
        Files.delete(minitape);
        Files.delete(dir);
    }

    @Property(tries = 3000, seed = "20240617")
    void mutatedValidFilesAreReadOrRejected(@ForAll @IntRange(max = 1) int base,
                                            @ForAll("mutations") List<Mutation> mutations) {
        byte[] bytes = bases.get(base).clone();
        for (Mutation m : mutations) bytes = m.apply(bytes);
        readAsTheHeaderSaysOrReject(bytes);
    }

    /** A header is a JSON object, so byte 8 of a file, where the header starts, is '{'. Here it never is. */
    @Property(tries = 1000, seed = "20240618")
    void randomBytesAreRejected(@ForAll("noObjectAtByte8") byte[] bytes) {
        assertRejected(bytes);
    }

    /** The header opens an object ('{') but no byte after it could close one ('}'). */
    @Property(tries = 1000, seed = "20240619")
    void aPlausibleLengthFollowedByRandomBytesIsRejected(@ForAll @IntRange(max = 64) int length,
                                                         @ForAll("noClosingBrace") byte[] rest) {
        byte[] bytes = ByteBuffer.allocate(9 + rest.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(length).put((byte) '{').put(rest).array();
        assertRejected(bytes);
    }

    @Property(tries = 2000, seed = "20240620")
    void randomlyAssembledHeadersAreReadOrRejected(@ForAll("headers") ObjectNode header,
                                                   @ForAll @IntRange(max = 64) int dataBytes) throws IOException {
        byte[] json = JSON.writeValueAsBytes(header);
        byte[] data = new byte[dataBytes];
        for (int i = 0; i < dataBytes; i++) data[i] = (byte) (i + 1);       // a value read from elsewhere differs
        readAsTheHeaderSaysOrReject(SafeTensorsBytes.file(json.length, json, data));
    }

    // ---- the checks ----------------------------------------------------------------------------------

    /** Reads the bytes as a file (from memory: thousands of tries would otherwise wait on the disk). */
    private static TensorFile read(byte[] bytes) throws SafeTensorsException {
        try {
            return SafeTensorsReader.read(NAME, new BytesChannel(bytes));
        } catch (SafeTensorsException rejected) {
            assertTrue(rejected.getMessage().startsWith(NAME + ": "), rejected.getMessage());
            throw rejected;
        } catch (IOException other) {
            throw new AssertionError("an IOException that is not a SafeTensorsException: " + other, other);
        }
    }

    private static void assertRejected(byte[] bytes) {
        assertThrows(SafeTensorsException.class, () -> read(bytes), () -> "read " + Arrays.toString(bytes));
    }

    private static void readAsTheHeaderSaysOrReject(byte[] bytes) {
        TensorFile f;
        try {
            f = read(bytes);
        } catch (SafeTensorsException rejected) {
            Statistics.collect("rejected");
            return;
        }
        Statistics.collect("read");
        assertAsTheHeaderSays(bytes, f);
    }

    /** f holds the tensors the header names, in its order, each of its shape and with the values at its data_offsets. */
    private static void assertAsTheHeaderSays(byte[] bytes, TensorFile f) {
        assertTrue(bytes.length >= 8, "read a file of " + bytes.length + " bytes, too few for the header length");
        long length = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertTrue(length >= 0 && length <= bytes.length - 8, "read a file whose header length " + length + " is past its end");
        JsonNode header;
        try {
            header = JSON.readTree(Arrays.copyOfRange(bytes, 8, 8 + (int) length));
        } catch (IOException e) {
            throw new AssertionError("read a file whose header is not JSON: " + e.getMessage(), e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        header.fields().forEachRemaining(e -> {
            if (!e.getKey().equals(HeaderParser.METADATA_KEY)) names.add(e.getKey());
            else e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().textValue()));
        });
        assertEquals(names, List.copyOf(f.tensors().keySet()));
        assertEquals(metadata, f.metadata());
        for (String name : names) {
            JsonNode entry = header.get(name);
            Tensor t = f.tensors().get(name);
            int[] shape = new int[entry.get("shape").size()];
            for (int d = 0; d < shape.length; d++) shape[d] = entry.get("shape").get(d).intValue();
            assertArrayEquals(shape, t.shape(), name);
            DType dtype = DType.byName(entry.get("dtype").textValue());
            int begin = entry.get("data_offsets").get(0).intValue(), end = entry.get("data_offsets").get(1).intValue();
            float[] values = new float[(end - begin) / dtype.size];
            dtype.decode(ByteBuffer.wrap(bytes, 8 + (int) length + begin, end - begin).slice().order(ByteOrder.LITTLE_ENDIAN),
                    values, 0, values.length);
            assertArrayEquals(values, t.data(), name);
        }
    }

    // ---- generators ----------------------------------------------------------------------------------

    /** One edit of a file's bytes; positions wrap around the current length. */
    interface Mutation {
        byte[] apply(byte[] b);
    }

    record Flip(int position, int bit) implements Mutation {
        public byte[] apply(byte[] b) {
            if (b.length > 0) b[position % b.length] ^= (byte) (1 << bit);
            return b;
        }
    }

    record Truncate(int length) implements Mutation {
        public byte[] apply(byte[] b) {
            return Arrays.copyOf(b, length % (b.length + 1));
        }
    }

    record Append(byte[] extra) implements Mutation {
        public byte[] apply(byte[] b) {
            byte[] out = Arrays.copyOf(b, b.length + extra.length);
            System.arraycopy(extra, 0, out, b.length, extra.length);
            return out;
        }
    }

    /** Sets the header length: to a random value, or nudges the current one by a few bytes. */
    record HeaderLength(long value, boolean relative) implements Mutation {
        public byte[] apply(byte[] b) {
            if (b.length < 8) return b;
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(0, relative ? buf.getLong(0) + value : value);
            return b;
        }
    }

    /** Replaces the n-th ASCII digit of the header (a dimension or an offset, mostly) with another. */
    record Digit(int which, char digit) implements Mutation {
        public byte[] apply(byte[] b) {
            int[] digits = new int[b.length];
            int count = 0;
            for (int i = 8; i < b.length; i++) if (b[i] >= '0' && b[i] <= '9') digits[count++] = i;
            if (count > 0) b[digits[which % count]] = (byte) digit;
            return b;
        }
    }

    /** Replaces a byte of the header with a JSON-significant character. */
    record Punctuation(int position, char c) implements Mutation {
        public byte[] apply(byte[] b) {
            if (b.length > 8) b[8 + position % (b.length - 8)] = (byte) c;
            return b;
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Integer> position = Arbitraries.integers().greaterOrEqual(0);
        Arbitrary<Mutation> flip = Combinators.combine(position, Arbitraries.integers().between(0, 7)).as(Flip::new);
        Arbitrary<Mutation> truncate = position.map(Truncate::new);
        Arbitrary<Mutation> append = Arbitraries.bytes().array(byte[].class).ofMaxSize(16).map(Append::new);
        Arbitrary<Mutation> anyLength = Arbitraries.longs().map(v -> new HeaderLength(v, false));
        Arbitrary<Mutation> nudgeLength = Arbitraries.longs().between(-16, 16).map(v -> new HeaderLength(v, true));
        Arbitrary<Mutation> digit = Combinators.combine(position, Arbitraries.chars().range('0', '9')).as(Digit::new);
        Arbitrary<Mutation> punctuation = Combinators.combine(position, Arbitraries.of('{', '}', '[', ']', ',', ':', '"', '-', '\\', ' ', '\u00ff'))
                .as(Punctuation::new);
        return Arbitraries.oneOf(flip, truncate, append, anyLength, nudgeLength, digit, digit, punctuation)
                .list().ofMinSize(1).ofMaxSize(4);
    }

    /** Random bytes whose byte 8, if they have one, is not '{'. */
    @Provide
    Arbitrary<byte[]> noObjectAtByte8() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200).map(b -> {
            if (b.length > 8 && b[8] == '{') b[8] = '[';
            return b;
        });
    }

    /** Random bytes without a '}'. */
    @Provide
    Arbitrary<byte[]> noClosingBrace() {
        return Arbitraries.bytes().map(b -> b == '}' ? (byte) ']' : b).array(byte[].class).ofMaxSize(100);
    }

    /** Headers built from plausible and implausible parts: names, dtypes, shapes, offsets, metadata. */
    @Provide
    Arbitrary<ObjectNode> headers() {
        Arbitrary<String> name = Arbitraries.of("a", "b", "w.0", "__metadata__", "");
        Arbitrary<String> dtype = Arbitraries.of("F32", "F16", "BF16", "F64", "I64", "BOOL", "F33", "");
        Arbitrary<Long> number = Arbitraries.oneOf(Arbitraries.longs().between(-2, 70),
                Arbitraries.of(2147483647L, 2147483648L, 4611686018427387904L, Long.MAX_VALUE, -1L));
        Arbitrary<List<Long>> shape = number.list().ofMaxSize(4);
        Arbitrary<List<Long>> offsets = number.list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<ObjectNode> entry = Combinators.combine(dtype, shape, offsets, Arbitraries.integers().between(0, 9))
                .as((d, s, o, omit) -> {
                    ObjectNode e = JSON.createObjectNode();
                    if (omit != 0) e.put("dtype", d);
                    ArrayNode sa = e.putArray("shape");
                    s.forEach(sa::add);
                    if (omit != 1) {
                        ArrayNode oa = e.putArray("data_offsets");
                        o.forEach(oa::add);
                    }
                    if (omit == 2) e.put("extra", 1);
                    return e;
                });
        Arbitrary<Map<String, ObjectNode>> entries = Arbitraries.maps(name, entry).ofMaxSize(4);
        return entries.map(m -> {
            ObjectNode root = JSON.createObjectNode();
            m.forEach((k, v) -> {
                if (k.equals("__metadata__")) root.putObject(k).put("k", "v");
                else root.set(k, v);
            });
            return root;
        });
    }
}
