package dev.minitape.lm.tokenizer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One token per character: the vocabulary, encoding, its errors, and its files. */
class CharTokenizerTest {

    @Test
    void theVocabularyIsTheSortedDistinctCodePointsOfTheText() {
        CharTokenizer chars = CharTokenizer.fit("hello, world");
        assertArrayEquals(" ,dehlorw".codePoints().toArray(), chars.codePoints());
        assertEquals(9, chars.vocabSize());
        assertEquals(CharTokenizer.TYPE, chars.type());
    }

    @Test
    void encodesEachCharacterAsItsRankInTheVocabulary() {
        CharTokenizer chars = CharTokenizer.fit("hello, world");
        //                                        ' '=0 ','=1 d=2 e=3 h=4 l=5 o=6 r=7 w=8
        assertArrayEquals(new int[] {4, 3, 5, 5, 6, 0, 8, 6, 7, 5, 2}, chars.encode("hello world"));
        assertEquals("world, hello", chars.decode(chars.encode("world, hello")));
        assertArrayEquals(new int[0], chars.encode(""));
    }

    @Test
    void anEmojiOutsideTheBasicPlaneIsOneToken() {
        CharTokenizer chars = CharTokenizer.fit("a😀b");              // 😀 is two UTF-16 chars, one code point
        assertEquals(3, chars.vocabSize());
        assertArrayEquals(new int[] {2, 0, 1, 2}, chars.encode("😀ab😀"));
        assertEquals("😀ab😀", chars.decode(new int[] {2, 0, 1, 2}));
    }

    @Test
    void roundTripsTextWithAccentsEmojiAndControlCharacters() {
        CharTokenizer chars = CharTokenizer.fit(Texts.MULTILINGUAL);
        assertEquals(Texts.MULTILINGUAL, chars.decode(chars.encode(Texts.MULTILINGUAL)));
        byte[] utf8 = Texts.MULTILINGUAL.getBytes(UTF_8);
        assertArrayEquals(utf8, chars.decodeBytes(chars.encodeBytes(utf8)));
    }

    @Test
    void anUnknownCharacterIsAnErrorNamingItsCodePointAndIndexAndSuggestingBpe() {
        CharTokenizer chars = CharTokenizer.fit("the cafe");
        var e = assertThrows(IllegalArgumentException.class, () -> chars.encode("cafe café"));
        assertEquals("character U+00E9 'é' at index 8 is not in this char tokenizer's vocabulary (the 7 characters"
                + " of its training text); train on text that contains it, or use --tokenizer bpe, which encodes"
                + " any text", e.getMessage());
    }

    @Test
    void anUnknownInvisibleCharacterIsNamedRatherThanPrinted() {
        CharTokenizer chars = CharTokenizer.fit("ab");
        var newline = assertThrows(IllegalArgumentException.class, () -> chars.encode("a\nb"));
        assertTrue(newline.getMessage().startsWith("character U+000A (LINE FEED (LF)) at index 1"), newline.getMessage());
        var emoji = assertThrows(IllegalArgumentException.class, () -> chars.encode("ab😀"));
        assertTrue(emoji.getMessage().startsWith("character U+1F600 '😀' at index 2"), emoji.getMessage());
    }

    @Test
    void anUnknownSpaceIsShownInQuotesAndAnUnassignedCodePointByItsNumber() {
        CharTokenizer chars = CharTokenizer.fit("ab");
        var space = assertThrows(IllegalArgumentException.class, () -> chars.encode("a b"));
        assertTrue(space.getMessage().startsWith("character U+0020 ' ' at index 1 is not"), space.getMessage());
        var unassigned = assertThrows(IllegalArgumentException.class, () -> chars.encode("a\u0378"));   // no character yet
        assertTrue(unassigned.getMessage().startsWith("character U+0378 at index 1 is not"), unassigned.getMessage());
    }

    @Test
    void decodingAnIdOutOfRangeIsAnErrorNamingIt() {
        CharTokenizer chars = CharTokenizer.fit("abc");
        var e = assertThrows(IllegalArgumentException.class, () -> chars.decode(new int[] {0, 1, 3}));
        assertEquals("ids[2] = 3 is out of range: this char tokenizer has 3 tokens (ids 0 to 2)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> chars.decode(new int[] {-1}));
    }

    @Test
    void bytesThatAreNotUtf8AreAnErrorNamingTheOffset() {
        CharTokenizer chars = CharTokenizer.fit("abc");
        var e = assertThrows(IllegalArgumentException.class, () -> chars.encodeBytes(new byte[] {'a', (byte) 0xFF}));
        assertTrue(e.getMessage().startsWith("bytes are not valid UTF-8 at offset 1 (byte 0xFF)"), e.getMessage());
        assertTrue(e.getMessage().contains("--tokenizer bpe"), e.getMessage());
        var cut = assertThrows(IllegalArgumentException.class,                // € is E2 82 AC; its last byte is missing
                () -> chars.encodeBytes(new byte[] {'a', (byte) 0xE2, (byte) 0x82}));
        assertTrue(cut.getMessage().startsWith("bytes are not valid UTF-8 at offset 1 (byte 0xE2)"), cut.getMessage());
    }

    @Test
    void fittingOnEmptyTextIsAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fit(""));
        assertTrue(e.getMessage().startsWith("cannot fit a char tokenizer on empty text"), e.getMessage());
    }

    @Test
    void aVocabularyBuiltByHandMustBeSortedDistinctCodePoints() {
        assertEquals(CharTokenizer.fit("abc"), CharTokenizer.ofCodePoints(new int[] {97, 98, 99}));
        var unsorted = assertThrows(IllegalArgumentException.class, () -> CharTokenizer.ofCodePoints(new int[] {98, 97}));
        assertEquals("codePoints must be strictly increasing (sorted, no repeats), but codePoints[1] = 97 follows 98",
                unsorted.getMessage());
        var repeated = assertThrows(IllegalArgumentException.class, () -> CharTokenizer.ofCodePoints(new int[] {97, 97}));
        assertEquals("codePoints must be strictly increasing (sorted, no repeats), but codePoints[1] = 97 follows 97",
                repeated.getMessage());
        var invalid = assertThrows(IllegalArgumentException.class, () -> CharTokenizer.ofCodePoints(new int[] {0x110000}));
        assertTrue(invalid.getMessage().startsWith("codePoints[0] = 1114112 is not a Unicode code point"));
    }

    @Test
    void saveThenLoadGivesTheSameTokenizer(@TempDir Path dir) throws IOException {
        CharTokenizer chars = CharTokenizer.fit(Texts.MULTILINGUAL + Texts.ENGLISH);
        Path file = dir.resolve("chars.json");
        chars.save(file);
        Tokenizer loaded = Tokenizer.load(file);
        assertEquals(chars, loaded);
        assertArrayEquals(chars.encode(Texts.ENGLISH), loaded.encode(Texts.ENGLISH));
    }

    @Test
    void theFileListsTheCodePoints(@TempDir Path dir) throws IOException {
        assertEquals(charFile("[97, 98, 99, 128512]"), savedText(dir, "abc😀"));
    }

    @Test
    void theFileListsSixteenCodePointsALine(@TempDir Path dir) throws IOException {
        assertEquals(charFile("""
                [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102,
                    103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118,
                    119, 120, 121, 122]"""), savedText(dir, "abcdefghijklmnopqrstuvwxyz0123456789"));
    }

    /** The text of the file a char tokenizer fitted on {@code text} saves. */
    private static String savedText(Path dir, String text) throws IOException {
        Path file = dir.resolve("chars.json");
        CharTokenizer.fit(text).save(file);
        return Files.readString(file);
    }

    /** A char tokenizer file whose code points are {@code codePoints}, as JSON. */
    private static String charFile(String codePoints) {
        return "{\n  \"type\": \"char\",\n  \"version\": 1,\n  \"codePoints\": " + codePoints + "\n}\n";
    }
}
