package dev.minitape.lm.tokenizer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the bytes of a tokenizer file, {@link Tokenizer#load} returns a working tokenizer or throws a
 * {@link TokenizerFormatException} naming the file: never another exception, never an OutOfMemoryError.
 * The bytes are random, or valid files damaged by a few random edits (bit flips, truncation, deleted,
 * inserted and duplicated ranges, changed digits, stray JSON punctuation).
 */
class TokenizerLoadFuzzTest {
    private static final Path FILE = createFile();
    private static final List<byte[]> VALID_FILES = validFiles();
    private static final String[] JSON_BITS = {"-", "9999999999", "[", "]", "{", "}", ",", ":", "\"", "null", "1e5",
            "0", "256", "2097152", "\"byte_bpe\"", "\"char\"", "[97, 97]", "\\u0000", "\uD83D\uDE00"};

    @Property(tries = 500, seed = "20260301")
    void randomBytesAreRejectedWithAFormatException(@ForAll("randomBytes") byte[] bytes) throws IOException {
        Files.write(FILE, bytes);                                   // through the disk, as users load files
        loadsOrExplains(() -> Tokenizer.load(FILE));
    }

    @Property(tries = 500, seed = "20260302")
    void damagedFilesOnDiskLoadAsWorkingTokenizersOrAreRejected(@ForAll("damagedFiles") byte[] bytes)
            throws IOException {
        Files.write(FILE, bytes);
        loadsOrExplains(() -> Tokenizer.load(FILE));
    }

    /** The same check without the disk (writing a file costs milliseconds here), so it can run many more times. */
    @Property(tries = 4000, seed = "20260303")
    void damagedFilesLoadAsWorkingTokenizersOrAreRejectedWithAFormatException(@ForAll("damagedFiles") byte[] bytes)
            throws IOException {
        loadsOrExplains(() -> TokenizerFiles.fromBytes(FILE, bytes));
    }

    private interface Load {
        Tokenizer run() throws IOException;
    }

    private static void loadsOrExplains(Load load) throws IOException {
        Tokenizer tokenizer;
        try {
            tokenizer = load.run();
        } catch (TokenizerFormatException e) {
            assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
            assertFalse(e.problem().isBlank());
            return;
        }
        works(tokenizer);
    }

    /** A tokenizer that loaded can decode its ids and round-trip text. */
    private static void works(Tokenizer tokenizer) {
        int[] some = {0, tokenizer.vocabSize() - 1, tokenizer.vocabSize() / 2};
        tokenizer.decode(some);
        if (tokenizer instanceof ByteBpeTokenizer bpe) {
            assertEquals(Texts.MULTILINGUAL, bpe.decode(bpe.encode(Texts.MULTILINGUAL)));
            byte[] bytes = Texts.UNSEEN_ENGLISH.getBytes(UTF_8);
            assertArrayEquals(bytes, bpe.decodeBytes(bpe.encodeBytes(bytes)));
        } else {
            String text = tokenizer.decode(some);
            assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
        }
    }

    @Provide
    static Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
    }

    @Provide
    static Arbitrary<byte[]> damagedFiles() {
        return Combinators.combine(Arbitraries.of(VALID_FILES), Arbitraries.longs()).as(TokenizerLoadFuzzTest::damage);
    }

    /** 1 to 4 random edits of {@code file}, chosen by {@code seed}. */
    static byte[] damage(byte[] file, long seed) {
        Random random = new Random(seed);
        byte[] b = file.clone();
        for (int edits = 1 + random.nextInt(4); edits > 0 && b.length > 0; edits--) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(8)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = (byte) random.nextInt(256);
                case 2 -> b = java.util.Arrays.copyOf(b, at);
                case 3 -> b = splice(b, at, Math.min(b.length, at + 1 + random.nextInt(20)), new byte[0]);
                case 4 -> {
                    byte[] junk = new byte[1 + random.nextInt(10)];
                    random.nextBytes(junk);
                    b = splice(b, at, at, junk);
                }
                case 5 -> {
                    int end = Math.min(b.length, at + 1 + random.nextInt(60));
                    b = splice(b, at, at, java.util.Arrays.copyOfRange(b, at, end));
                }
                case 6 -> {
                    for (int i = at; i < b.length; i++) {
                        if (b[i] >= '0' && b[i] <= '9') {
                            b[i] = (byte) ('0' + random.nextInt(10));
                            break;
                        }
                    }
                }
                default -> b = splice(b, at, at, JSON_BITS[random.nextInt(JSON_BITS.length)].getBytes(UTF_8));
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] out = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(b, to, out, from + insert.length, b.length - to);
        return out;
    }

    private static List<byte[]> validFiles() {
        try {
            Path bpe = FILE.resolveSibling("valid-bpe.json");
            ByteBpeTokenizer.train(Texts.ENGLISH, 300).save(bpe);
            Path chars = FILE.resolveSibling("valid-char.json");
            CharTokenizer.fit(Texts.MULTILINGUAL).save(chars);
            return List.of(Files.readAllBytes(bpe), Files.readAllBytes(chars),
                    "{\"type\":\"byte_bpe\",\"version\":1,\"vocabSize\":259,\"merges\":[[97,97],[97,98],[256,257]]}"
                            .getBytes(UTF_8),
                    "{\"type\":\"char\",\"version\":1,\"codePoints\":[0,10,97,233,128512]}".getBytes(UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createFile() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "tokenizer-fuzz"));
            return dir.resolve("tokenizer.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
