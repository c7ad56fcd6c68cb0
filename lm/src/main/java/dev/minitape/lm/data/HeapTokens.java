package dev.minitape.lm.data;

import dev.minitape.lm.tokenizer.Tokenizer;

/**
 * Token ids stored compactly: two bytes each (a char[]) when every id is below 65,536, four otherwise.
 * A 100 MB text of single-byte characters costs 200 MB as tokens, not 400.
 */
final class HeapTokens implements TokenArray {
    private final char[] narrow;    // null when wide
    private final int[] wide;       // null when narrow
    private final int size;

    private HeapTokens(char[] narrow, int[] wide, int size) {
        this.narrow = narrow;
        this.wide = wide;
        this.size = size;
    }

    /** A copy of {@code ids}, narrow when the vocabulary allows. */
    static TokenArray of(int[] ids, int vocabSize) {
        if (vocabSize > 65_536) return new HeapTokens(null, ids.clone(), ids.length);
        char[] c = new char[ids.length];
        for (int i = 0; i < ids.length; i++) c[i] = (char) ids[i];
        return new HeapTokens(c, null, ids.length);
    }

    /**
     * Encodes {@code text} a piece at a time (pieces of about a million characters, cut between code
     * points) so no int[] of the whole text exists. Only for tokenizers whose encoding of a concatenation
     * is the concatenation of encodings: one token per character (the char tokenizer).
     */
    static TokenArray encodeByPieces(String text, Tokenizer tok) {
        int piece = 1 << 20;
        boolean narrowIds = tok.vocabSize() <= 65_536;
        char[] narrow = null;
        int[] wide = null;
        int size = 0;
        for (int from = 0; from < text.length(); ) {
            int to = Math.min(text.length(), from + piece);
            if (to < text.length() && Character.isHighSurrogate(text.charAt(to - 1))) to--;   // keep pairs whole
            int[] ids = tok.encode(text.substring(from, to));
            if (narrow == null && wide == null) {
                // Tokens ≤ characters for a char tokenizer: size the array by the text once.
                if (narrowIds) narrow = new char[text.length()];
                else wide = new int[text.length()];
            }
            for (int id : ids) {
                if (narrowIds) narrow[size++] = (char) id;
                else wide[size++] = id;
            }
            from = to;
        }
        return new HeapTokens(narrow == null ? new char[0] : narrow, wide, size);
    }

    public int size() {
        return size;
    }

    public int get(int i) {
        return narrow != null ? narrow[i] : wide[i];
    }

    /** dst[at .. at + len) = tokens [from, from + len). */
    public void copy(int from, int[] dst, int at, int len) {
        if (narrow != null) {
            for (int i = 0; i < len; i++) dst[at + i] = narrow[from + i];
        } else {
            System.arraycopy(wide, from, dst, at, len);
        }
    }
}
