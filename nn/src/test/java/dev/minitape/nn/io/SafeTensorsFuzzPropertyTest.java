package dev.minitape.nn.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile input never escapes as anything but a SafeTensorsException: random bytes, random mutations of
 * valid files (bit flips, truncations, header length edits, digit edits that keep the JSON valid) and
 * randomly assembled headers are either read or rejected with one; never OutOfMemoryError, another
 * exception type, or a hang. Each read that succeeds holds no more floats than the file has bytes.
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
        readOrReject(bytes);
    }

    @Property(tries = 1000, seed = "20240618")
    void randomBytesAreRejected(@ForAll @Size(max = 200) byte[] bytes) {
        readOrReject(bytes);
    }

    @Property(tries = 1000, seed = "20240619")
    void aPlausibleLengthFollowedByRandomBytesIsRejected(@ForAll @IntRange(max = 64) int length,
                                                         @ForAll @Size(max = 100) byte[] rest) {
        byte[] bytes = ByteBuffer.allocate(9 + rest.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(length).put((byte) '{').put(rest).array();
        readOrReject(bytes);
    }

    @Property(tries = 2000, seed = "20240620")
    void randomlyAssembledHeadersAreReadOrRejected(@ForAll("headers") ObjectNode header,
                                                   @ForAll @IntRange(max = 64) int dataBytes) throws IOException {
        byte[] json = JSON.writeValueAsBytes(header);
        readOrReject(SafeTensorsBytes.file(json.length, json, new byte[dataBytes]));
    }

    // ---- the check -----------------------------------------------------------------------------------

    /** Reads the bytes as a file (from memory: thousands of tries would otherwise wait on the disk). */
    private static void readOrReject(byte[] bytes) {
        try {
            TensorFile f = SafeTensorsReader.read(NAME, new BytesChannel(bytes));
            long floats = f.tensors().values().stream().mapToLong(Tensor::numel).sum();
            assertTrue(floats <= bytes.length, floats + " floats from " + bytes.length + " bytes");
            Statistics.collect("read");
        } catch (SafeTensorsException rejected) {
            assertTrue(rejected.getMessage().startsWith(NAME + ": "), rejected.getMessage());
            Statistics.collect("rejected");
        } catch (IOException other) {
            throw new AssertionError("an IOException that is not a SafeTensorsException: " + other, other);
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
