package dev.minitape.nn.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and checks a safetensors header, treating it as hostile: strict UTF-8, a JSON object whose
 * keys are tensor names (no duplicates) plus an optional {@code "__metadata__"} object of strings, each
 * tensor exactly {@code {"dtype", "shape", "data_offsets"}}; every number is range-checked before use
 * (no overflow), each byte range must match numel × dtype size, and the ranges, sorted, must tile the
 * data buffer from 0 to its end with no overlap and no hole (as the reference implementation requires).
 * Parsing streams tokens, so memory stays proportional to the header's size.
 */
final class HeaderParser {
    static final String METADATA_KEY = "__metadata__";
    private static final JsonFactory JSON = new JsonFactory();
    private static final Set<String> FIELDS = Set.of("dtype", "shape", "data_offsets");

    private final Path file;
    private final long bufferLength;

    private HeaderParser(Path file, long bufferLength) {
        this.file = file;
        this.bufferLength = bufferLength;
    }

    /** The checked header in {@code json}, for a file whose data buffer holds {@code bufferLength} bytes. */
    static Header parse(Path file, byte[] json, long bufferLength) throws SafeTensorsException {
        return new HeaderParser(file, bufferLength).parse(json);
    }

    private Header parse(byte[] json) throws SafeTensorsException {
        String text = decodeUtf8(json);
        if (text.isEmpty() || text.charAt(0) != '{') {
            throw fail("the header must be a JSON object starting with '{', but it starts with "
                    + quote(text.substring(0, Math.min(text.length(), 20))));
        }
        List<Header.Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        try (JsonParser p = JSON.createParser(text)) {
            p.nextToken();                                             // START_OBJECT, checked above
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!seen.add(name)) throw fail("duplicate name " + quote(name) + " in the header");
                p.nextToken();
                if (name.equals(METADATA_KEY)) metadata = metadata(p);
                else entries.add(entry(name, p));
            }
            endOfObject(p, "the header");
            if (p.nextToken() != null) {
                throw fail("unexpected content after the header's JSON object at character " + offset(p));
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw fail("the header is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (at character " + at.getCharOffset() + ")"), e);
        } catch (SafeTensorsException e) {
            throw e;
        } catch (IOException e) {
            throw fail("the header could not be parsed: " + e.getMessage(), e);
        }
        checkLayout(entries);
        return new Header(List.copyOf(entries), metadata);
    }

    private String decodeUtf8(byte[] json) throws SafeTensorsException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw fail("the header is not valid UTF-8 (" + e + ")", e);
        }
    }

    // ---- the parts of the header ---------------------------------------------------------------------

    private Map<String, String> metadata(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw fail(quote(METADATA_KEY) + " must be an object of strings, got " + describe(p));
        }
        Map<String, String> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (out.containsKey(key)) throw fail("duplicate key " + quote(key) + " in " + quote(METADATA_KEY));
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw fail(quote(METADATA_KEY) + " value of " + quote(key) + " must be a string, got " + describe(p));
            }
            out.put(key, p.getText());
        }
        endOfObject(p, quote(METADATA_KEY));
        return out;
    }

    private Header.Entry entry(String name, JsonParser p) throws IOException {
        String what = "tensor " + quote(name);
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw fail(what + " must be an object with dtype, shape and data_offsets, got " + describe(p));
        }
        String dtypeName = null;
        int[] shape = null;
        long[] offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            boolean repeated = switch (field) {
                case "dtype" -> dtypeName != null;
                case "shape" -> shape != null;
                case "data_offsets" -> offsets != null;
                default -> throw fail(what + " has unexpected field " + quote(field)
                        + " (a tensor has exactly dtype, shape and data_offsets)");
            };
            if (repeated) throw fail(what + " has field " + quote(field) + " twice");
            switch (field) {
                case "dtype" -> dtypeName = dtypeName(what, p);
                case "shape" -> shape = shape(what, p);
                default -> offsets = offsets(what, p);
            }
        }
        endOfObject(p, what);
        List<String> missing = new ArrayList<>();
        if (dtypeName == null) missing.add("dtype");
        if (shape == null) missing.add("shape");
        if (offsets == null) missing.add("data_offsets");
        if (!missing.isEmpty()) throw fail(what + " lacks field(s) " + missing + " (of " + FIELDS + ")");
        return checkedEntry(name, dtype(what, dtypeName), shape, offsets[0], offsets[1]);
    }

    private String dtypeName(String what, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) throw fail(what + ": dtype must be a string, got " + describe(p));
        return p.getText();
    }

    private DType dtype(String what, String name) throws SafeTensorsException {
        DType t = DType.byName(name);
        if (t != null) return t;
        if (DType.UNSUPPORTED.contains(name)) {
            throw fail(what + " has dtype " + name + ", which minitape cannot load (it loads "
                    + Arrays.toString(DType.values()) + ")");
        }
        throw fail(what + " has unknown dtype " + quote(name));
    }

    private int[] shape(String what, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) throw fail(what + ": shape must be an array, got " + describe(p));
        int[] dims = new int[4];
        int rank = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            long d = nonNegative(what + ": shape dimension", p);
            if (d > Integer.MAX_VALUE) throw fail(what + ": shape dimension " + d + " is too large for a minitape tensor");
            if (rank == dims.length) dims = Arrays.copyOf(dims, 2 * rank);
            dims[rank++] = (int) d;
        }
        return Arrays.copyOf(dims, rank);
    }

    private long[] offsets(String what, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw fail(what + ": data_offsets must be an array [begin, end], got " + describe(p));
        }
        long[] o = new long[2];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (n == 2) throw fail(what + ": data_offsets must have exactly 2 numbers [begin, end], got more");
            o[n++] = nonNegative(what + ": data_offsets value", p);
        }
        if (n != 2) throw fail(what + ": data_offsets must have exactly 2 numbers [begin, end], got " + n);
        return o;
    }

    private long nonNegative(String what, JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) throw fail(what + " must be an integer, got " + describe(p));
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) throw fail(what + " " + clip(p.getText()) + " is too large");
        long v = p.getLongValue();
        if (v < 0) throw fail(what + " " + v + " is negative");
        return v;
    }

    /** Guards the field loops: they may stop only at the object's closing brace. */
    private void endOfObject(JsonParser p, String what) throws SafeTensorsException {
        if (p.currentToken() != JsonToken.END_OBJECT) throw fail(what + " ends before its closing '}'");
    }

    // ---- consistency -----------------------------------------------------------------------------------

    private Header.Entry checkedEntry(String name, DType dtype, int[] shape, long begin, long end)
            throws SafeTensorsException {
        String what = "tensor " + quote(name);
        String range = "data_offsets [" + begin + ", " + end + "]";
        if (end < begin) throw fail(what + ": " + range + " are reversed (begin > end)");
        if (end > bufferLength) {
            throw fail(what + ": " + range + " reach past the end of the " + bufferLength + "-byte data buffer");
        }
        long numel = 1;
        long bytes;
        try {
            for (int d : shape) numel = Math.multiplyExact(numel, d);
            bytes = Math.multiplyExact(numel, dtype.size);
        } catch (ArithmeticException e) {
            throw fail(what + ": the element count of shape " + Arrays.toString(shape) + " overflows");
        }
        if (bytes != end - begin) {
            throw fail(what + ": shape " + Arrays.toString(shape) + " of " + dtype + " needs " + numel + " × "
                    + dtype.size + " = " + bytes + " bytes, but " + range + " span " + (end - begin));
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw fail(what + ": " + numel + " elements are too many for one minitape tensor (at most 2^31 - 9)");
        }
        return new Header.Entry(name, dtype, shape, begin, end);
    }

    /** The byte ranges, in offset order, must cover [0, bufferLength) exactly once. */
    private void checkLayout(List<Header.Entry> entries) throws SafeTensorsException {
        List<Header.Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Header.Entry::begin).thenComparingLong(Header.Entry::end));
        long covered = 0;
        Header.Entry previous = null;
        for (Header.Entry e : byOffset) {
            if (e.begin() < covered) {
                throw fail("data_offsets of tensor " + quote(e.name()) + " " + range(e) + " overlap those of tensor "
                        + quote(previous.name()) + " " + range(previous));
            }
            if (e.begin() > covered) {
                throw fail("bytes [" + covered + ", " + e.begin() + ") of the data buffer belong to no tensor "
                        + "(safetensors requires the tensors to cover the buffer with no holes)");
            }
            covered = e.end();
            previous = e;
        }
        if (covered != bufferLength) {
            throw fail("bytes [" + covered + ", " + bufferLength + ") at the end of the data buffer belong to no "
                    + "tensor (safetensors requires the tensors to cover the buffer with no holes)");
        }
    }

    // ---- messages ------------------------------------------------------------------------------------

    private SafeTensorsException fail(String problem) {
        return new SafeTensorsException(file, problem);
    }

    private SafeTensorsException fail(String problem, Throwable cause) {
        return new SafeTensorsException(file, problem, cause);
    }

    private static String range(Header.Entry e) {
        return "[" + e.begin() + ", " + e.end() + "]";
    }

    private static long offset(JsonParser p) {
        return p.currentTokenLocation().getCharOffset();
    }

    private static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) return "the end of the header";
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "the string " + quote(p.getText());
            default -> clip(p.getText());
        };
    }

    static String quote(String s) {
        return "'" + clip(s) + "'";
    }

    private static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...(" + s.length() + " chars)";
    }
}
