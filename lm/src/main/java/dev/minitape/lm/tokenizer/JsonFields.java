package dev.minitape.lm.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The top-level fields of a tokenizer file, read strictly and defensively. The file must be UTF-8 text
 * holding one JSON object whose values are strings, whole numbers (32-bit), arrays of whole numbers, or
 * arrays of {@code [left, right]} pairs; no field may appear twice, nothing may follow the object.
 * Streaming keeps memory proportional to the file: strings, names and nesting are capped, and no array
 * may exceed {@value #MAX_ARRAY} elements. Every problem is a {@link TokenizerFormatException} naming the
 * file; the typed getters name the field and the kind of value expected.
 */
final class JsonFields {
    static final int MAX_ARRAY = 1 << 22;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(10_000).maxNameLength(1_000).maxNestingDepth(64).maxNumberLength(100).build())
            .build();

    /** An array of {@code [left, right]} pairs, stored flat: left at 2i, right at 2i + 1. */
    private record Pairs(int[] flat) {}

    /** A value of a kind no tokenizer field has (an object, a boolean, null, a fraction): only its name. */
    private record Other(String kind) {}

    private final Path file;
    private final Map<String, Object> values;   // String, Integer, int[], Pairs or Other

    private JsonFields(Path file, Map<String, Object> values) {
        this.file = file;
        this.values = values;
    }

    /** The fields of the JSON object in {@code bytes}, read from {@code file} (named in errors). */
    static JsonFields parse(Path file, byte[] bytes) throws TokenizerFormatException {
        String text;
        try {
            text = Utf8.decodeStrict(bytes, "; a tokenizer file is UTF-8 JSON text (is the file corrupted?)");
        } catch (IllegalArgumentException notText) {
            throw new TokenizerFormatException(file, notText.getMessage());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        JsonFields fields = new JsonFields(file, values);
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) throw fields.fail("the file is empty; expected a JSON object such as {\"type\": \"char\", ...}");
            if (t != JsonToken.START_OBJECT) {
                throw fields.fail("expected a JSON object {...}, but the file starts with " + kind(t));
            }
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (values.containsKey(name)) throw fields.fail("field " + quote(name) + " appears twice");
                p.nextToken();
                values.put(name, fields.value(p, name));
            }
            if (p.nextToken() != null) {
                throw fields.fail("unexpected content after the JSON object" + at(p.currentTokenLocation()));
            }
        } catch (StreamConstraintsException e) {
            throw fields.fail("the JSON is too large or too deep for a tokenizer file: " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            if (e instanceof JsonEOFException || String.valueOf(e.getOriginalMessage()).startsWith("Unexpected end-of-input")) {
                throw fields.fail("the file ends in the middle of its JSON" + at(e.getLocation()) + " (is it truncated?)", e);
            }
            throw fields.fail("not valid JSON" + at(e.getLocation()) + ": " + e.getOriginalMessage(), e);
        } catch (TokenizerFormatException e) {
            throw e;
        } catch (IOException e) {                                        // not expected from a String source
            throw fields.fail("could not be parsed: " + e.getMessage(), e);
        }
        return fields;
    }

    /** The string field {@code name}. */
    String string(String name) throws TokenizerFormatException {
        if (get(name, "a string") instanceof String s) return s;
        throw wrongKind(name, "a string");
    }

    /** The whole-number field {@code name}. */
    int integer(String name) throws TokenizerFormatException {
        if (get(name, "a whole number") instanceof Integer i) return i;
        throw wrongKind(name, "a whole number");
    }

    /** The array-of-whole-numbers field {@code name}. */
    int[] ints(String name) throws TokenizerFormatException {
        if (get(name, "an array of whole numbers") instanceof int[] a) return a;
        throw wrongKind(name, "an array of whole numbers");
    }

    /** The array-of-pairs field {@code name}, flat: left at 2i, right at 2i + 1. */
    int[] pairs(String name) throws TokenizerFormatException {
        Object v = get(name, "an array of [left, right] pairs");
        if (v instanceof Pairs p) return p.flat();
        if (v instanceof int[] a && a.length == 0) return a;
        throw wrongKind(name, "an array of [left, right] pairs");
    }

    /** Fails on any field not in {@code names} (a misspelt or foreign field is a sign of a wrong file). */
    void allowOnly(String type, Set<String> names) throws TokenizerFormatException {
        for (String name : values.keySet()) {
            if (!names.contains(name)) {
                throw fail("unknown field " + quote(name) + "; a " + type + " tokenizer file has only the fields "
                        + String.join(", ", names.stream().sorted().toList()));
            }
        }
    }

    TokenizerFormatException fail(String problem) {
        return new TokenizerFormatException(file, problem);
    }

    private TokenizerFormatException fail(String problem, Throwable cause) {
        return new TokenizerFormatException(file, problem, cause);
    }

    private Object get(String name, String expected) throws TokenizerFormatException {
        Object v = values.get(name);
        if (v == null) throw fail("missing field " + quote(name) + " (" + expected + ")");
        return v;
    }

    private TokenizerFormatException wrongKind(String name, String expected) {
        Object v = values.get(name);
        String got = v instanceof String s ? "the string " + quote(s)
                : v instanceof Integer i ? "the number " + i
                : v instanceof Pairs ? "an array of pairs"
                : v instanceof int[] ? "an array of numbers"
                : ((Other) v).kind();
        return fail("field " + quote(name) + " must be " + expected + ", got " + got);
    }

    private Object value(JsonParser p, String name) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) return p.getText();
        if (t == JsonToken.VALUE_NUMBER_INT) return intValue(p, name, -1);
        if (t == JsonToken.START_ARRAY) return array(p, name);
        p.skipChildren();
        return new Other(kind(t));
    }

    private Object array(JsonParser p, String name) throws IOException {
        int[] flat = new int[16];
        int size = 0, width = 0, count = 0;                    // width: 1 numbers, 2 pairs, 0 not known yet
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (count == MAX_ARRAY) throw fail("field " + quote(name) + " has more than " + MAX_ARRAY + " elements");
            int w = t == JsonToken.VALUE_NUMBER_INT ? 1 : t == JsonToken.START_ARRAY ? 2 : -1;
            if (w < 0) throw fail(element(name, count) + " must be a whole number or a [left, right] pair, got " + kind(t));
            if (width != 0 && w != width) {
                throw fail(element(name, count) + " is " + kind(t) + " but the elements before it are "
                        + (width == 1 ? "numbers" : "pairs") + "; an array holds one kind");
            }
            width = w;
            if (size + 2 > flat.length) flat = Arrays.copyOf(flat, flat.length * 2);
            if (w == 1) {
                flat[size++] = intValue(p, name, count);
            } else {
                for (int k = 0; k < 2; k++) {
                    if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) throw notPair(p, name, count);
                    flat[size++] = intValue(p, name, count);
                }
                if (p.nextToken() != JsonToken.END_ARRAY) throw notPair(p, name, count);
            }
            count++;
        }
        int[] values = Arrays.copyOf(flat, size);
        return width == 2 ? new Pairs(values) : values;
    }

    private static String element(String name, int index) {
        return index < 0 ? "field " + quote(name) : "element " + index + " of field " + quote(name);
    }

    private TokenizerFormatException notPair(JsonParser p, String name, int index) {
        return fail(element(name, index) + " must be a pair [left, right] of two whole numbers" + at(p.currentTokenLocation()));
    }

    /** The int at the parser, which is on a VALUE_NUMBER_INT; {@code index} -1 means the field itself. */
    private int intValue(JsonParser p, String name, int index) throws IOException {
        if (p.getNumberType() != JsonParser.NumberType.INT) {
            throw fail(element(name, index) + " is " + abbreviate(p.getText()) + ", out of range for a 32-bit integer");
        }
        return p.getIntValue();
    }

    private static String kind(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "a whole number";
            case VALUE_NUMBER_FLOAT -> "a number with a fraction or exponent";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> String.valueOf(t.asString());
        };
    }

    private static String at(JsonLocation where) {
        if (where == null || where.getLineNr() < 1) return "";
        return " at line " + where.getLineNr() + ", column " + where.getColumnNr();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** {@code s} in double quotes for a message: at most 40 characters, control characters escaped. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        String shown = abbreviate(s);
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c < 0x20 || c == 0x7F || Character.isSurrogate(c) && !validPairAt(shown, i)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static boolean validPairAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
