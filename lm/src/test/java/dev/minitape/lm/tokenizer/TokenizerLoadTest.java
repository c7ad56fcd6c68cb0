package dev.minitape.lm.tokenizer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Tokenizer#load} reads back what {@code save} wrote, and rejects every kind of bad file with a
 * {@link TokenizerFormatException} whose message is {@code FILE: problem}.
 */
class TokenizerLoadTest {
    private static final String BPE = "{\"type\": \"byte_bpe\", \"version\": 1, \"vocabSize\": 258, \"merges\": %s}";
    private static final String CHAR = "{\"type\": \"char\", \"version\": 1, \"codePoints\": %s}";

    @TempDir
    Path dir;

    @Test
    void dispatchesOnTheTypeField() throws IOException {
        assertEquals(ByteBpeTokenizer.ofMerges(new int[][] {{97, 97}, {256, 98}}),
                load(String.format(BPE, "[[97, 97], [256, 98]]")));
        assertEquals(CharTokenizer.fit("ab"), load(String.format(CHAR, "[97, 98]")));
        assertEquals(CharTokenizer.fit("ab"), load("\n {\"codePoints\":[97,98],\"version\":1,\"type\":\"char\"} \n"));
    }

    @Test
    void malformedJsonSaysWhere() {
        assertProblem(String.format(CHAR, "[97, 98,, 99]"), "not valid JSON at line 1, column 54: Unexpected character (',' ");
        assertProblem("{\"type\": 'char'}", "not valid JSON at line 1, column 10: Unexpected character (''' ");
    }

    @Test
    void aFileThatIsNotAJsonObjectIsRejected() {
        assertProblem("", "the file is empty; expected a JSON object such as {\"type\": \"char\", ...}");
        assertProblem("  \n ", "the file is empty; expected a JSON object such as {\"type\": \"char\", ...}");
        assertProblem("[1, 2]", "expected a JSON object {...}, but the file starts with an array");
        assertProblem("{\"type\": \"char\", \"version\": 1, \"codePoints\": [97]} {}",
                "unexpected content after the JSON object at line 1, column 52");
    }

    @Test
    void aTruncatedFileSaysItMayBeTruncated() throws IOException {
        Path file = dir.resolve("tokenizer.json");
        ByteBpeTokenizer.train(Texts.ENGLISH, 300).save(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        String problem = problem(file);
        assertTrue(problem.startsWith("the file ends in the middle of its JSON at line "), problem);
        assertTrue(problem.endsWith("(is it truncated?)"), problem);
    }

    @Test
    void anUnknownTypeListsTheKnownOnes() {
        assertProblem("{\"type\": \"wordpiece\", \"version\": 1}",
                "unknown tokenizer type \"wordpiece\"; expected \"char\" or \"byte_bpe\"");
        assertProblem("{\"type\": 3, \"version\": 1}", "field \"type\" must be a string, got the number 3");
    }

    @Test
    void missingFieldsAreNamedWithWhatTheyShouldHold() {
        assertProblem("{\"version\": 1}", "missing field \"type\" (a string)");
        assertProblem("{\"type\": \"char\"}", "missing field \"version\" (a whole number)");
        assertProblem("{\"type\": \"char\", \"version\": 1}", "missing field \"codePoints\" (an array of whole numbers)");
        assertProblem("{\"type\": \"byte_bpe\", \"version\": 1, \"vocabSize\": 256}",
                "missing field \"merges\" (an array of [left, right] pairs)");
        assertProblem("{\"type\": \"byte_bpe\", \"version\": 1, \"merges\": []}",
                "missing field \"vocabSize\" (a whole number)");
    }

    @Test
    void fieldsOfTheWrongKindAreNamed() {
        assertProblem(String.format(BPE, "[97, 97, 256, 98]"),
                "field \"merges\" must be an array of [left, right] pairs, got an array of numbers");
        assertProblem(String.format(BPE, "[[97, 97], [256, 98, 3]]"), notAPair(1, 85));
        assertProblem(String.format(BPE, "[[97, 97], 3]"), "element 1 of field \"merges\" is a whole number but the"
                + " elements before it are pairs; an array holds one kind");
        assertProblem(String.format(CHAR, "[97, 98.5]"),
                "element 1 of field \"codePoints\" must be a whole number or a [left, right] pair, got a number with"
                        + " a fraction or exponent");
        assertProblem(String.format(CHAR, "{\"a\": 97}"), "field \"codePoints\" must be an array of whole numbers,"
                + " got an object");
        assertProblem(String.format(CHAR, "[97, 99999999999]"),
                "element 1 of field \"codePoints\" is 99999999999, out of range for a 32-bit integer");
    }

    @Test
    void theWrongKindOfValueIsDescribedAsFound() {
        assertProblem("{\"type\": \"char\", \"version\": \"1\", \"codePoints\": [97]}",
                "field \"version\" must be a whole number, got the string \"1\"");
        assertProblem(String.format(CHAR, "[[97, 98]]"),
                "field \"codePoints\" must be an array of whole numbers, got an array of pairs");
        assertProblem(String.format(CHAR, "[97, [98, 99]]"), "element 1 of field \"codePoints\" is an array but the"
                + " elements before it are numbers; an array holds one kind");
    }

    @Test
    void aPairMustHoldTwoWholeNumbers() {
        assertProblem(String.format(BPE, "[[97, \"b\"]]"), notAPair(0, 70));
        assertProblem(String.format(BPE, "[[97, 97], [98]]"), notAPair(1, 78));
    }

    /** The message for a merges element that is not a pair of two whole numbers, where the parser found it. */
    private static String notAPair(int element, int column) {
        return "element " + element + " of field \"merges\" must be a pair [left, right] of two whole numbers at line 1, column " + column;
    }

    @Test
    void aNumberTooLargeForAnIntNamesTheFieldOrTheElement() {
        assertProblem("{\"type\": \"char\", \"version\": 99999999999}",
                "field \"version\" is 99999999999, out of range for a 32-bit integer");
        assertProblem(String.format(CHAR, "[-99999999999, 97]"),
                "element 0 of field \"codePoints\" is -99999999999, out of range for a 32-bit integer");
    }

    @Test
    void unknownAndRepeatedFieldsAreRejected() {
        assertProblem("{\"type\": \"char\", \"version\": 1, \"codepoints\": [97]}",
                "unknown field \"codepoints\"; a char tokenizer file has only the fields codePoints, type, version");
        assertProblem("{\"type\": \"byte_bpe\", \"version\": 1, \"vocabSize\": 256, \"merges\": [], \"vocab_size\": 256}",
                "unknown field \"vocab_size\"; a byte_bpe tokenizer file has only the fields merges, type, version,"
                        + " vocabSize");
        assertProblem("{\"type\": \"char\", \"version\": 1, \"type\": \"char\"}", "field \"type\" appears twice");
    }

    @Test
    void anotherVersionIsRejected() {
        assertProblem("{\"type\": \"char\", \"version\": 2, \"codePoints\": [97]}",
                "version 2 is not supported; this minitape reads version 1 (the file was written by a newer minitape)");
    }

    @Test
    void mergeIdsOutOfRangeAreNamed() {
        assertProblem(String.format(BPE, "[[97, 97], [256, 300]]"), "merges[1] = [256, 300] uses token 300, which"
                + " does not exist yet: merge 1 makes token 257 and may only combine the 256 byte tokens and tokens of"
                + " earlier merges (ids 0 to 256)");
        assertProblem(String.format(BPE, "[[97, 97], [-1, 98]]"), "merges[1] = [-1, 98] uses token -1, which is"
                + " negative: merge 1 makes token 257 and may only combine the 256 byte tokens and tokens of earlier"
                + " merges (ids 0 to 256)");
        assertProblem(String.format(BPE, "[[256, 97], [97, 98]]"), "merges[0] = [256, 97] uses token 256, which"
                + " does not exist yet: merge 0 makes token 256 and may only combine the 256 byte tokens and tokens"
                + " of earlier merges (ids 0 to 255)");
    }

    @Test
    void inconsistentOrRepeatedMergesAreRejected() {
        assertProblem(String.format(BPE, "[[97, 97]]"), "vocabSize is 258 but there are 1 merges, which make"
                + " 256 + 1 = 257 tokens; the file is inconsistent (edited or damaged?)");
        assertProblem(String.format(BPE, "[[97, 97], [97, 97]]"), "merges[1] = [97, 97] repeats merges[0]; each pair"
                + " is merged once");
        assertProblem("{\"type\": \"byte_bpe\", \"version\": 1, \"vocabSize\": 100, \"merges\": []}",
                "vocabSize is 100; a BPE vocabulary has 256 to 2097152 tokens");
    }

    @Test
    void aVocabSizeAboveTheLargestIsNamedAsSuch() {
        assertProblem("{\"type\": \"byte_bpe\", \"version\": 1, \"vocabSize\": 2097153, \"merges\": []}",
                "vocabSize is 2097153; a BPE vocabulary has 256 to 2097152 tokens");
    }

    @Test
    void badCodePointsAreRejected() {
        assertProblem(String.format(CHAR, "[]"), "codePoints is empty: a char tokenizer needs at least one character");
        assertProblem(String.format(CHAR, "[98, 97]"), "codePoints must be strictly increasing (sorted, no repeats),"
                + " but codePoints[1] = 97 follows 98");
        assertProblem(String.format(CHAR, "[97, 1114112]"), "codePoints[1] = 1114112 is not a Unicode code point (0 to"
                + " 1114111 = 0x10FFFF)");
    }

    @Test
    void bytesThatAreNotUtf8AreRejected() throws IOException {
        Path file = dir.resolve("binary.json");
        Files.write(file, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
        assertEquals("bytes are not valid UTF-8 at offset 1 (byte 0xC3); a tokenizer file is UTF-8 JSON text (is the"
                + " file corrupted?)", problem(file));
    }

    @Test
    void aHugeFileIsRejectedWithoutReadingIt() throws IOException {
        Path file = dir.resolve("huge.json");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(TokenizerFiles.MAX_FILE_BYTES + 1);
        }
        assertEquals("the file is 67108865 bytes, more than any tokenizer file (67108864 bytes at most); is it the"
                + " right file?", problem(file));
    }

    @Test
    void anArrayOfMoreThan4194304ElementsIsRejected() {
        // The cap bounds what a hostile file can make us allocate; a real file's arrays are at most 2096896 merges.
        String numbers = "[0" + ",0".repeat(JsonFields.MAX_ARRAY) + "]";
        assertProblem(String.format(CHAR, numbers), "field \"codePoints\" has more than 4194304 elements");
    }

    @Test
    void deepNestingIsRejected() {
        String deep = "{\"a\": ".repeat(5000) + "1" + "}".repeat(5000);
        String problem = problem(write(String.format(CHAR, deep)));
        assertTrue(problem.startsWith("the JSON is too large or too deep for a tokenizer file: Document nesting depth"),
                problem);
    }

    @Test
    void theMessageStartsWithTheFile() {
        Path file = write("[]");
        var e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(file));
        assertEquals(file + ": expected a JSON object {...}, but the file starts with an array", e.getMessage());
    }

    @Test
    void aMissingFileIsAnIoExceptionButNotAFormatProblem() {
        var e = assertThrows(IOException.class, () -> Tokenizer.load(dir.resolve("absent.json")));
        assertEquals(NoSuchFileException.class, e.getClass());
    }

    private Tokenizer load(String json) throws IOException {
        return Tokenizer.load(write(json));
    }

    private Path write(String json) {
        try {
            Path file = Files.createTempFile(dir, "tokenizer", ".json");
            Files.write(file, json.getBytes(UTF_8));
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String problem(Path file) {
        var e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(file));
        assertEquals(file + ": " + e.problem(), e.getMessage());
        return e.problem();
    }

    private void assertProblem(String json, String expectedProblemStart) {
        String problem = problem(write(json));
        assertTrue(problem.startsWith(expectedProblemStart), "problem was: " + problem);
    }
}
