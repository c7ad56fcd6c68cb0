package dev.minitape.lm.tokenizer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Both tokenizers give back exactly what they were given. */
class RoundTripPropertyTest {

    private static final ByteBpeTokenizer ENGLISH = ByteBpeTokenizer.train(Texts.ENGLISH + Texts.MULTILINGUAL, 400);
    /** Trained on bytes that include 0x00 and 0xFF runs, so merges involve them too. */
    private static final ByteBpeTokenizer BINARY = ByteBpeTokenizer.train(binaryCorpus(), 400);
    // A lone high surrogate is a character of its own to a char tokenizer. (Not a lone low one as well:
    // drawn next to each other, a high and a low surrogate would join into one supplementary character.)
    private static final String ALPHABET_TEXT = Texts.MULTILINGUAL + Texts.ENGLISH + "a lone \uD800 surrogate";
    private static final CharTokenizer CHARS = CharTokenizer.fit(ALPHABET_TEXT);

    @Property(tries = 1000, seed = "20260101")
    void bpeRoundTripsAnyValidUnicodeString(@ForAll("unicodeStrings") String text) {
        assertEquals(text, ENGLISH.decode(ENGLISH.encode(text)));
        assertEquals(text, BINARY.decode(BINARY.encode(text)));
    }

    @Property(tries = 1000, seed = "20260102")
    void bpeRoundTripsAnyBytes(@ForAll("byteArrays") byte[] bytes) {
        assertArrayEquals(bytes, ENGLISH.decodeBytes(ENGLISH.encodeBytes(bytes)));
        assertArrayEquals(bytes, BINARY.decodeBytes(BINARY.encodeBytes(bytes)));
    }

    @Property(tries = 300, seed = "20260103")
    void bpeTrainedOnAnyBytesRoundTripsThem(@ForAll("byteArrays") byte[] corpus, @ForAll("byteArrays") byte[] other) {
        ByteBpeTokenizer bpe = ByteBpeTokenizer.train(corpus, 300);
        assertArrayEquals(corpus, bpe.decodeBytes(bpe.encodeBytes(corpus)));
        assertArrayEquals(other, bpe.decodeBytes(bpe.encodeBytes(other)));
    }

    @Property(tries = 1000, seed = "20260104")
    void charRoundTripsAnyStringOfItsAlphabet(@ForAll("alphabetStrings") String text) {
        assertEquals(text, CHARS.decode(CHARS.encode(text)));
        assertEquals(text.codePointCount(0, text.length()), CHARS.encode(text).length);
    }

    @Property(tries = 500, seed = "20260105")
    void charFittedOnAnyStringRoundTripsItEvenWithLoneSurrogates(@ForAll("anyStrings") String text) {
        CharTokenizer chars = CharTokenizer.fit(text);
        assertEquals(text, chars.decode(chars.encode(text)));
        int[] ids = chars.encode(text);
        for (int id : ids) assertTrue(id >= 0 && id < chars.vocabSize());
    }

    @Property(tries = 500, seed = "20260106")
    void charEncodesUtf8BytesOfValidTextLikeTheText(@ForAll("unicodeStrings") String text) {
        CharTokenizer chars = CharTokenizer.fit("x" + text);
        assertArrayEquals(chars.encode(text), chars.encodeBytes(text.getBytes(UTF_8)));
        assertArrayEquals(text.getBytes(UTF_8), chars.decodeBytes(chars.encode(text)));
    }

    /** Valid Unicode: mostly ASCII, some control characters, BMP letters, and emoji (surrogate pairs). */
    @Provide
    static Arbitrary<String> unicodeStrings() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(1, Arbitraries.integers().between(0x00, 0x1F)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0xD7FF)),
                Tuple.of(1, Arbitraries.integers().between(0xE000, 0xFFFF)),
                Tuple.of(2, Arbitraries.integers().between(0x1F300, 0x1FAFF)),
                Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return codePoint.list().ofMaxSize(80).map(RoundTripPropertyTest::string);
    }

    @Provide
    static Arbitrary<String> alphabetStrings() {
        List<Integer> alphabet = ALPHABET_TEXT.codePoints().distinct().boxed().toList();
        return Arbitraries.of(alphabet).list().ofMaxSize(80).map(RoundTripPropertyTest::string);
    }

    /** Any UTF-16 strings, lone surrogates included. */
    @Provide
    static Arbitrary<String> anyStrings() {
        return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(60);
    }

    /** Arbitrary bytes, with 0x00 and 0xFF and runs of them common. */
    @Provide
    static Arbitrary<byte[]> byteArrays() {
        Arbitrary<Byte> b = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.bytes()),
                Tuple.of(1, Arbitraries.just((byte) 0x00)),
                Tuple.of(1, Arbitraries.just((byte) 0xFF)),
                Tuple.of(2, Arbitraries.of((byte) 'a', (byte) 'b', (byte) ' ')));
        return b.array(byte[].class).ofMaxSize(200);
    }

    private static String string(List<Integer> codePoints) {
        StringBuilder s = new StringBuilder();
        codePoints.forEach(s::appendCodePoint);
        return s.toString();
    }

    private static byte[] binaryCorpus() {
        byte[] corpus = new byte[20_000];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < corpus.length; i++) {
            int r = random.nextInt(10);
            corpus[i] = r < 3 ? 0 : r < 6 ? (byte) 0xFF : (byte) random.nextInt(256);
        }
        return corpus;
    }
}
