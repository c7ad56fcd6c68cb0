package dev.minitape.lm.data;

import dev.minitape.lm.tokenizer.ByteBpeTokenizer;
import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.lm.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Tokenizers fitted on text files and the files' tokens, kept in a folder so the next run on the same files
 * reads them back instead of tokenizing again. An entry is named by a SHA-256 of the files' {@link
 * TextSources#fingerprint fingerprint} (paths, sizes, modification times) and of the tokenizer (its saved
 * JSON, or for a tokenizer to fit, its kind and vocabulary size): editing a file or changing the tokenizer
 * makes a new entry. Every file is written under a temporary name and renamed into place, and an entry's
 * small {@code .count} file, renamed last, says it is complete: a run stopped while tokenizing leaves no
 * entry that a later run would read.
 *
 * <p>Nothing holds the whole text: the char tokenizer's vocabulary is gathered and the text encoded while
 * reading it a MiB at a time, and the tokens go straight to a {@link TokenFile}, whose windows are then read from disk as batches need them.
 * BPE is trained on the first {@link #BPE_SAMPLE_BYTES} bytes only, which bounds its memory.
 */
public final class CorpusCache {
    /** How much of the text BPE merges are learned from: the first 8 MiB. */
    public static final int BPE_SAMPLE_BYTES = 8 << 20;

    private final Path dir;
    private final Consumer<String> log;

    /** A cache in {@code dir} (made when first written), reporting what it does to {@code log}. */
    public CorpusCache(Path dir, Consumer<String> log) {
        this.dir = dir;
        this.log = log;
    }

    /** The tokens of a text and its length in characters (code points for char, bytes for BPE). */
    public record Tokens(TokenArray tokens, long chars) {}

    /** A tokenizer of kind "char" or "bpe" (of {@code vocabSize} tokens) fitted on the sources, or the cached one. */
    public Tokenizer fit(TextSources sources, String kind, int vocabSize) throws IOException {
        if (!kind.equals("char") && !kind.equals("bpe")) throw new IllegalArgumentException("--tokenizer must be char or bpe, got '" + kind + "'");
        String recipe = kind.equals("bpe") ? "bpe " + vocabSize : kind;
        Path file = dir.resolve(sha(sources.fingerprint() + "\n" + recipe) + ".tokenizer.json");
        if (Files.exists(file)) return Tokenizer.load(file);
        long start = System.nanoTime();
        Tokenizer tok;
        if (kind.equals("char")) {
            BitSet seen = new BitSet();
            TextStream.codePoints(sources, seen::set);
            tok = CharTokenizer.ofCodePoints(seen.stream().toArray());
            log.accept(String.format(Locale.ROOT, "tokenizer: %d characters, read in %.1f s", tok.vocabSize(), seconds(start)));
        } else {
            byte[] sample = TextStream.head(sources, BPE_SAMPLE_BYTES);
            tok = ByteBpeTokenizer.train(sample, vocabSize);
            log.accept(String.format(Locale.ROOT, "tokenizer: BPE of %d tokens trained on the first %,d of %,d bytes in %.1f s",
                    tok.vocabSize(), sample.length, sources.bytes(), seconds(start)));
        }
        Files.createDirectories(dir);
        tok.save(file);
        return tok;
    }

    /** The sources' tokens under {@code tok}: read from the cache, or encoded and written to it; read from disk. */
    public Tokens tokens(TextSources sources, Tokenizer tok) throws IOException {
        String key = sha(sources.fingerprint() + "\n" + tokenizerSha(tok));
        Path tokens = dir.resolve(key + ".tokens"), count = dir.resolve(key + ".count");
        if (Files.exists(count) && Files.exists(tokens)) {
            long chars = Long.parseLong(Files.readString(count).strip());
            TokenArray onDisk = TokenFile.open(tokens, tok.vocabSize());
            log.accept(String.format(Locale.ROOT, "tokens: cached %s (%,d tokens)", tokens, onDisk.size()));
            return new Tokens(onDisk, chars);
        }
        long start = System.nanoTime();
        long chars = encode(sources, tok, tokens);
        writeAtomically(count, Long.toString(chars));
        TokenArray onDisk = TokenFile.open(tokens, tok.vocabSize());
        log.accept(String.format(Locale.ROOT, "tokenized %,d bytes into %,d tokens in %.1f s (cached in %s)",
                sources.bytes(), onDisk.size(), seconds(start), tokens));
        return new Tokens(onDisk, chars);
    }

    /** Writes the token file; returns the text's length in characters. */
    private static long encode(TextSources sources, Tokenizer tok, Path target) throws IOException {
        try (TokenFile.Writer out = new TokenFile.Writer(target, tok.vocabSize())) {
            long chars;
            if (tok instanceof CharTokenizer c) {
                int[] ids = bmpIds(c);
                TextStream.codePoints(sources, cp -> out.add(cp < ids.length && ids[cp] >= 0 ? ids[cp] : idOrFail(c, cp)));
                chars = out.count();
            } else {
                long[] bytes = {0};
                TextStream.pieces(sources, piece -> {
                    bytes[0] += piece.length;
                    out.addAll(tok.encodeBytes(piece));
                });
                chars = bytes[0];
            }
            if (out.count() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the text has " + out.count() + " tokens, more than the "
                        + Integer.MAX_VALUE + " a run can index: give less text, or use --tokenizer bpe");
            }
            out.commit();
            return chars;
        }
    }

    /** Ids of the vocabulary's characters below U+10000 by code point (-1: not in it), for a fast lookup. */
    private static int[] bmpIds(CharTokenizer c) {
        int[] ids = new int[0x10000];
        Arrays.fill(ids, -1);
        int[] cps = c.codePoints();
        for (int i = 0; i < cps.length && cps[i] < ids.length; i++) ids[cps[i]] = i;
        return ids;
    }

    private static int idOrFail(CharTokenizer c, int cp) {
        int id = c.idOf(cp);
        if (id >= 0) return id;
        throw new IllegalArgumentException("character " + describe(cp) + " is not in the char tokenizer's vocabulary"
                + " (the characters of the training text); use --tokenizer bpe, which encodes any text");
    }

    private static String describe(int cp) {
        return String.format(Locale.ROOT, "U+%04X '%s'", cp, Character.isISOControl(cp) ? "?" : Character.toString(cp));
    }

    private String tokenizerSha(Tokenizer tok) throws IOException {
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "tokenizer.", ".tmp");
        try {
            tok.save(temp);
            return sha(Files.readString(temp));
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private void writeAtomically(Path file, String text) throws IOException {
        Path temp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        try {
            Files.writeString(temp, text);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String sha(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
