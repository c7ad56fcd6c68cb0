package dev.minitape.lm.tokenizer;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * UTF-8 both ways, strict where silence would lose data, and a readable name for a code point.
 * <ul>
 *   <li>{@link #encode}: a Java string may hold a lone surrogate (half of a UTF-16 pair), which is not a
 *       Unicode character and has no UTF-8 bytes; {@code String.getBytes} would silently write '?'
 *       instead, so this refuses it and names its index.</li>
 *   <li>{@link #decodeLenient}: malformed byte sequences become U+FFFD REPLACEMENT CHARACTER (the
 *       behaviour of {@code new String(bytes, UTF_8)}), for decoding token ids whose bytes need not be
 *       valid UTF-8 on their own.</li>
 *   <li>{@link #decodeStrict}: malformed bytes are an error naming the byte offset.</li>
 * </ul>
 */
final class Utf8 {
    private Utf8() {}

    /** The UTF-8 bytes of {@code text}; a lone surrogate is an IllegalArgumentException naming its index. */
    static byte[] encode(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) continue;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;                                                       // a proper pair: one code point
                continue;
            }
            throw new IllegalArgumentException("text has a lone surrogate " + describe(c) + " at index " + i
                    + ": half of a UTF-16 pair is not a Unicode character and has no UTF-8 bytes; fix the text"
                    + " (was it cut in the middle of an emoji?)");
        }
        return text.getBytes(UTF_8);
    }

    /** The text of {@code bytes}; each malformed sequence becomes U+FFFD. */
    static String decodeLenient(byte[] bytes) {
        return new String(bytes, UTF_8);
    }

    /**
     * The text of {@code bytes}; malformed UTF-8 is an IllegalArgumentException naming the byte offset,
     * followed by {@code advice}.
     */
    static String decodeStrict(byte[] bytes, String advice) {
        CharsetDecoder decoder = UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);               // UTF-16 never needs more units
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) result = decoder.flush(out);
        if (result.isError()) {
            int at = in.position();                                       // where the bad sequence (>= 1 byte) starts
            throw new IllegalArgumentException("bytes are not valid UTF-8 at offset " + at + " (byte 0x"
                    + String.format("%02X", bytes[at] & 0xFF) + ")" + advice);
        }
        return out.flip().toString();
    }

    /**
     * A code point for an error message: {@code U+00E9 'é'} when it prints as itself, otherwise the hex
     * and its Unicode name where it has one, e.g. {@code U+000A (LINE FEED (LF))}.
     */
    static String describe(int codePoint) {
        String hex = String.format("U+%04X", codePoint);
        if (printable(codePoint)) return hex + " '" + new String(Character.toChars(codePoint)) + "'";
        String name = Character.isValidCodePoint(codePoint) ? Character.getName(codePoint) : null;
        return name == null ? hex : hex + " (" + name + ")";
    }

    private static boolean printable(int cp) {
        if (cp == ' ') return true;
        return switch (Character.getType(cp)) {                            // UNASSIGNED for a non-code-point
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                    Character.UNASSIGNED, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }
}
