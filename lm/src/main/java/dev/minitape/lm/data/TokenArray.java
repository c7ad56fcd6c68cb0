package dev.minitape.lm.data;

import dev.minitape.lm.tokenizer.Tokenizer;

/**
 * A read-only sequence of token ids: in memory ({@link #of}, {@link #encodeByPieces}), or a token file on disk
 * ({@link TokenFile#open}) whose windows are read as they are asked for.
 */
public interface TokenArray {

    int size();

    int get(int i);

    /** dst[at .. at + len) = tokens [from, from + len). */
    void copy(int from, int[] dst, int at, int len);

    /** The tokens [from, to) of this array, without copying them. */
    default TokenArray slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + size() + " tokens");
        }
        TokenArray whole = this;
        return new TokenArray() {
            public int size() {
                return to - from;
            }

            public int get(int i) {
                return whole.get(from + i);
            }

            public void copy(int at, int[] dst, int dstAt, int len) {
                whole.copy(from + at, dst, dstAt, len);
            }
        };
    }

    /** A copy of {@code ids}, two bytes each when the vocabulary allows (V ≤ 65,536). */
    static TokenArray of(int[] ids, int vocabSize) {
        return HeapTokens.of(ids, vocabSize);
    }

    /**
     * Encodes {@code text} a piece at a time (pieces of about a million characters, cut between code
     * points) so no int[] of the whole text exists. Only for tokenizers whose encoding of a concatenation
     * is the concatenation of encodings: one token per character (the char tokenizer).
     */
    static TokenArray encodeByPieces(String text, Tokenizer tok) {
        return HeapTokens.encodeByPieces(text, tok);
    }
}
