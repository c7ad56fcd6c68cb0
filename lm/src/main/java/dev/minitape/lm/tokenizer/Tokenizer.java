package dev.minitape.lm.tokenizer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns text into token ids {@code 0 .. vocabSize()-1} and back. Two kinds: {@link CharTokenizer} (one
 * token per Unicode code point of its training text) and {@link ByteBpeTokenizer} (byte-level BPE: any
 * bytes, any text).
 *
 * <p>A tokenizer is saved as a small JSON file whose {@code "type"} field says which kind it is;
 * {@link #load} reads any of them back. Loading treats the file as untrusted: whatever its bytes, it
 * either returns a working tokenizer or throws an {@link IOException} — a
 * {@link TokenizerFormatException} naming the file and the problem when the file is there but wrong.
 */
public interface Tokenizer {

    /** The number of distinct token ids; every id is in {@code [0, vocabSize())}. */
    int vocabSize();

    /** The ids of {@code text}. */
    int[] encode(String text);

    /** The text of {@code ids}; an id out of range is an IllegalArgumentException naming it. */
    String decode(int[] ids);

    /** The ids of raw bytes (for a char tokenizer, the bytes must be UTF-8 text). */
    int[] encodeBytes(byte[] bytes);

    /** The bytes of {@code ids} (for a char tokenizer, the UTF-8 of {@link #decode}). */
    byte[] decodeBytes(int[] ids);

    /** The kind, as written in the file's {@code "type"} field: {@code "char"} or {@code "byte_bpe"}. */
    String type();

    /** Writes this tokenizer as JSON, atomically: a reader sees the old file or the new one, never a mix. */
    void save(Path file) throws IOException;

    /**
     * The tokenizer saved in {@code file}, of whichever type its {@code "type"} field names.
     *
     * @throws TokenizerFormatException if the file is not a valid tokenizer file (the message names the
     *     file and what is wrong with it)
     * @throws IOException if the file cannot be read at all (missing, a folder, no permission)
     */
    static Tokenizer load(Path file) throws IOException {
        return TokenizerFiles.read(file);
    }
}
