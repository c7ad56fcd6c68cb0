package dev.minitape.lm.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;
import java.util.Set;

/**
 * One token per Unicode code point: the vocabulary is the sorted distinct code points of the training
 * text, and a code point's id is its rank in that list (so the ids are in code point order). A character
 * outside the vocabulary cannot be encoded; the error names it and suggests the byte-level BPE
 * tokenizer, which encodes anything.
 *
 * <p>Code points are those of {@link String#codePoints()}: a lone surrogate (a broken UTF-16 pair) is a
 * code point of its own, so {@code decode(encode(s))} equals {@code s} for every string {@code s} made
 * of vocabulary characters, even a malformed one. (The other way round, ids → text → ids, only differs
 * when the id of a lone high surrogate is followed by that of a lone low one: the two join into one
 * character.)
 *
 * <p>File format: {@code {"type": "char", "version": 1, "codePoints": [10, 32, 33, ...]}}. Immutable and
 * thread-safe.
 */
public final class CharTokenizer implements Tokenizer {
    public static final String TYPE = "char";
    private static final Set<String> FIELDS = Set.of("type", "version", "codePoints");

    private final int[] codePoints;                     // strictly increasing; id = index

    private CharTokenizer(int[] codePoints) {
        this.codePoints = codePoints;
    }

    /** The tokenizer whose vocabulary is the distinct code points of {@code text}. */
    public static CharTokenizer fit(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("cannot fit a char tokenizer on empty text: its vocabulary is the"
                    + " characters of the text, so it needs at least one");
        }
        BitSet seen = new BitSet();
        text.codePoints().forEach(seen::set);
        return new CharTokenizer(seen.stream().toArray());
    }

    /**
     * The tokenizer with exactly this vocabulary: {@code codePoints} must be non-empty, strictly
     * increasing, and each in {@code [0, 0x10FFFF]}. Token {@code i} is {@code codePoints[i]}.
     */
    public static CharTokenizer ofCodePoints(int[] codePoints) {
        Objects.requireNonNull(codePoints, "codePoints");
        if (codePoints.length == 0) {
            throw new IllegalArgumentException("codePoints is empty: a char tokenizer needs at least one character");
        }
        for (int i = 0; i < codePoints.length; i++) {
            int cp = codePoints[i];
            if (!Character.isValidCodePoint(cp)) {
                throw new IllegalArgumentException("codePoints[" + i + "] = " + cp
                        + " is not a Unicode code point (0 to 1114111 = 0x10FFFF)");
            }
            if (i > 0 && cp <= codePoints[i - 1]) {
                throw new IllegalArgumentException("codePoints must be strictly increasing (sorted, no repeats), but"
                        + " codePoints[" + i + "] = " + cp + " follows " + codePoints[i - 1]);
            }
        }
        return new CharTokenizer(codePoints.clone());
    }

    /** Reads the fields of a {@code "char"} file (type and version already checked). */
    static CharTokenizer fromFile(JsonFields fields) throws TokenizerFormatException {
        fields.allowOnly(TYPE, FIELDS);
        int[] codePoints = fields.ints("codePoints");
        try {
            return ofCodePoints(codePoints);
        } catch (IllegalArgumentException e) {
            throw fields.fail(e.getMessage());
        }
    }

    @Override
    public int vocabSize() {
        return codePoints.length;
    }

    /** The vocabulary: token {@code i} is code point {@code codePoints()[i]}. */
    public int[] codePoints() {
        return codePoints.clone();
    }

    /** The id of {@code codePoint}, or -1 if it is not in the vocabulary. */
    public int idOf(int codePoint) {
        int i = Arrays.binarySearch(codePoints, codePoint);
        return i >= 0 ? i : -1;
    }

    /**
     * One id per code point of {@code text}. A character outside the vocabulary is an
     * IllegalArgumentException naming it (e.g. {@code U+00E9 'é'}) and its index in {@code text}.
     */
    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.codePointCount(0, text.length())];
        for (int i = 0, k = 0; i < text.length(); k++) {
            int cp = text.codePointAt(i);
            int id = idOf(cp);
            if (id < 0) {
                throw new IllegalArgumentException("character " + Utf8.describe(cp) + " at index " + i
                        + " is not in this char tokenizer's vocabulary (the " + codePoints.length
                        + " characters of its training text); train on text that contains it, or use"
                        + " --tokenizer bpe, which encodes any text");
            }
            ids[k] = id;
            i += Character.charCount(cp);
        }
        return ids;
    }

    /** The text of UTF-8 {@code bytes}; malformed UTF-8 is an IllegalArgumentException naming the offset. */
    @Override
    public int[] encodeBytes(byte[] bytes) {
        return encode(Utf8.decodeStrict(bytes, "; a char tokenizer encodes text, so use --tokenizer bpe for"
                + " binary data"));
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder(ids.length);
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if (id < 0 || id >= codePoints.length) {
                throw new IllegalArgumentException("ids[" + i + "] = " + id + " is out of range: this char"
                        + " tokenizer has " + codePoints.length + " tokens (ids 0 to " + (codePoints.length - 1) + ")");
            }
            text.appendCodePoint(codePoints[id]);
        }
        return text.toString();
    }

    /** The UTF-8 of {@link #decode}; a lone surrogate in the vocabulary has no UTF-8 and is an error. */
    @Override
    public byte[] decodeBytes(int[] ids) {
        return Utf8.encode(decode(ids));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public void save(Path file) throws IOException {
        TokenizerFiles.write(file, TYPE, json -> TokenizerFiles.appendInts(json, "codePoints", codePoints));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharTokenizer other && Arrays.equals(codePoints, other.codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }

    @Override
    public String toString() {
        return "CharTokenizer(" + codePoints.length + " characters)";
    }
}
