package dev.minitape.lm.tokenizer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte-level BPE: the merges it learns, how it encodes, and its files. */
class ByteBpeTokenizerTest {

    private static final ByteBpeTokenizer ENGLISH_400 = ByteBpeTokenizer.train(Texts.ENGLISH, 400);

    @Test
    void learnsTheHandCheckedMergesOfTheClassicExample() {
        // "aaabdaaabac" (a=97 b=98 c=99 d=100). Pair counts: (a,a) 4, (a,b) 2, the rest 1.
        //   merge 0: (a,a) → 256, left to right:  256 a b d 256 a b a c
        //   counts now (256,a) 2 and (a,b) 2: the tie goes to the smaller pair (97,98) → 257:
        //   merge 1: (a,b) → 257:                 256 257 d 256 257 a c
        //   merge 2: (256,257) → 258:             258 d 258 a c        and then no pair occurs twice.
        ByteBpeTokenizer bpe = ByteBpeTokenizer.train("aaabdaaabac", 1000);
        assertArrayEquals(new int[][] {{97, 97}, {97, 98}, {256, 257}}, bpe.merges());
        assertEquals(259, bpe.vocabSize());
        assertArrayEquals(new int[] {258, 100, 258, 97, 99}, bpe.encode("aaabdaaabac"));
        assertEquals("aaab", new String(bpe.tokenBytes(258), UTF_8));
    }

    @Test
    void replacesOverlappingOccurrencesFromLeftToRight() {
        // "aaaaa": (a,a) → 256 gives 256 256 a; then (256,256) occurs once only, so training stops.
        ByteBpeTokenizer bpe = ByteBpeTokenizer.train("aaaaa", 300);
        assertArrayEquals(new int[][] {{97, 97}}, bpe.merges());
        assertArrayEquals(new int[] {256, 256, 97}, bpe.encode("aaaaa"));
        assertArrayEquals(new int[] {256, 97}, bpe.encode("aaa"));
    }

    @Test
    void stopsAtTheRequestedVocabularySize() {
        ByteBpeTokenizer bpe = ByteBpeTokenizer.train("aaabdaaabac", 257);
        assertArrayEquals(new int[][] {{97, 97}}, bpe.merges());
        assertEquals(0, ByteBpeTokenizer.train(Texts.ENGLISH, 256).mergeCount());
    }

    @Test
    void makesVocabSizeMinus256MergesWhenTheCorpusAllowsIt() {
        assertEquals(400, ENGLISH_400.vocabSize());
        assertEquals(400 - 256, ENGLISH_400.mergeCount());
    }

    @Test
    void trainingIsDeterministic() {
        ByteBpeTokenizer again = ByteBpeTokenizer.train(Texts.ENGLISH, 400);
        assertArrayEquals(ENGLISH_400.merges(), again.merges());
        assertEquals(ENGLISH_400, again);
    }

    @Test
    void theFirstMergesOfEnglishAreItsCommonestPairs() {
        // " t", "e " and "he" style pairs come first in English; checked by the naive trainer too.
        int[][] merges = ENGLISH_400.merges();
        java.util.List<Integer> unused = new java.util.ArrayList<>();
        java.util.List<int[]> naive = NaiveBpe.train(Texts.ENGLISH.getBytes(UTF_8), 20, unused);
        for (int r = 0; r < 20; r++) assertArrayEquals(naive.get(r), merges[r], "merge " + r);
    }

    @Test
    void encodingTheTrainingCorpusGivesTheTokensTrainingEndedWith() {
        byte[] corpus = Texts.ENGLISH.getBytes(UTF_8);
        BpeTrainer.Result result = BpeTrainer.train(corpus, 400 - 256);
        assertArrayEquals(result.tokens(), ENGLISH_400.encodeBytes(corpus));
    }

    @Test
    void compressesEnglishItHasNotSeen() {
        byte[] bytes = Texts.UNSEEN_ENGLISH.getBytes(UTF_8);
        int tokens = ENGLISH_400.encode(Texts.UNSEEN_ENGLISH).length;
        assertTrue(tokens < bytes.length * 0.7, tokens + " tokens for " + bytes.length + " bytes");
        int trainingTokens = ENGLISH_400.encode(Texts.ENGLISH).length;
        assertTrue(trainingTokens < Texts.ENGLISH.length() / 2, trainingTokens + " tokens for the "
                + Texts.ENGLISH.length() + " bytes of the training text");
    }

    @Test
    void roundTripsTextItHasNeverSeenIncludingEmoji() {
        assertEquals(Texts.MULTILINGUAL, ENGLISH_400.decode(ENGLISH_400.encode(Texts.MULTILINGUAL)));
        assertEquals("", ENGLISH_400.decode(ENGLISH_400.encode("")));
    }

    @Test
    void roundTripsEveryByteValue() {
        byte[] all = new byte[512];
        for (int i = 0; i < all.length; i++) all[i] = (byte) (255 - i % 256);
        assertArrayEquals(all, ENGLISH_400.decodeBytes(ENGLISH_400.encodeBytes(all)));
    }

    @Test
    void decodingIdsThatCutACharacterGivesReplacementCharacters() {
        ByteBpeTokenizer bytesOnly = ByteBpeTokenizer.train(new byte[0], 256);
        int[] euro = bytesOnly.encode("€");                         // E2 82 AC: three byte tokens
        assertArrayEquals(new int[] {0xE2, 0x82, 0xAC}, euro);
        assertEquals("\uFFFD", bytesOnly.decode(new int[] {0xE2, 0x82}));
        assertEquals("a\uFFFDb", bytesOnly.decode(new int[] {'a', 0xFF, 'b'}));
        assertArrayEquals(new byte[] {(byte) 0xE2, (byte) 0x82}, bytesOnly.decodeBytes(new int[] {0xE2, 0x82}));
    }

    @Test
    void aVocabularySmallerThan256IsAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> ByteBpeTokenizer.train(Texts.ENGLISH, 100));
        assertTrue(e.getMessage().startsWith("a BPE vocabulary needs at least 256 tokens, got 100"), e.getMessage());
        var tooBig = assertThrows(IllegalArgumentException.class,
                () -> ByteBpeTokenizer.train(Texts.ENGLISH, ByteBpeTokenizer.MAX_VOCAB_SIZE + 1));
        assertTrue(tooBig.getMessage().contains("at most 2097152 tokens, got 2097153"), tooBig.getMessage());
    }

    @Test
    void aLoneSurrogateCannotBeEncodedAndTheErrorSaysWhere() {
        var e = assertThrows(IllegalArgumentException.class, () -> ENGLISH_400.encode("ok \uD83D!"));
        assertTrue(e.getMessage().startsWith("text has a lone surrogate U+D83D"), e.getMessage());
        assertTrue(e.getMessage().contains("at index 3"), e.getMessage());
        var atEnd = assertThrows(IllegalArgumentException.class, () -> ENGLISH_400.encode("ok \uD83D"));
        assertTrue(atEnd.getMessage().startsWith("text has a lone surrogate U+D83D"), atEnd.getMessage());
        assertTrue(atEnd.getMessage().contains("at index 3"), atEnd.getMessage());
    }

    @Test
    void decodingAnIdOutOfRangeIsAnErrorNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> ENGLISH_400.decode(new int[] {97, 400}));
        assertEquals("ids[1] = 400 is out of range: this BPE tokenizer has 400 tokens (ids 0 to 399)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ENGLISH_400.decode(new int[] {-1}));
    }

    @Test
    void mergesAreCheckedWhenBuiltByHand() {
        var future = assertThrows(IllegalArgumentException.class,
                () -> ByteBpeTokenizer.ofMerges(new int[][] {{97, 97}, {257, 97}}));
        assertTrue(future.getMessage().startsWith("merges[1] = [257, 97] uses token 257, which does not exist yet:"
                + " merge 1 makes token 257"), future.getMessage());
        var repeated = assertThrows(IllegalArgumentException.class,
                () -> ByteBpeTokenizer.ofMerges(new int[][] {{97, 98}, {99, 99}, {97, 98}}));
        assertEquals("merges[2] = [97, 98] repeats merges[0]; each pair is merged once", repeated.getMessage());
    }

    @Test
    void aRepeatedMergeNamesTheMergeItRepeats() {
        var repeated = assertThrows(IllegalArgumentException.class,
                () -> ByteBpeTokenizer.ofMerges(new int[][] {{97, 98}, {99, 99}, {99, 99}}));
        assertEquals("merges[2] = [99, 99] repeats merges[1]; each pair is merged once", repeated.getMessage());
    }

    @Test
    void eachMergeBuiltByHandMustBeAPair() {
        var triple = assertThrows(IllegalArgumentException.class,
                () -> ByteBpeTokenizer.ofMerges(new int[][] {{97, 98}, {97, 98, 99}}));
        assertEquals("merges[1] must be a pair {left, right}, got [97, 98, 99]", triple.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> ByteBpeTokenizer.ofMerges(new int[][] {{97, 98}, null}));
        assertEquals("merges[1] must be a pair {left, right}, got null", missing.getMessage());
    }

    @Test
    void theLargestVocabularyMayBeAskedOfTraining() {
        assertEquals(257, ByteBpeTokenizer.train("aaab", ByteBpeTokenizer.MAX_VOCAB_SIZE).vocabSize());
    }

    @Test
    void mergesBuiltByHandMayMakeTheLargestVocabularyAndNoMore() {
        int[][] merges = distinctMerges(ByteBpeTokenizer.MAX_VOCAB_SIZE - 255);
        ByteBpeTokenizer largest = ByteBpeTokenizer.ofMerges(Arrays.copyOf(merges, merges.length - 1));
        assertEquals(ByteBpeTokenizer.MAX_VOCAB_SIZE, largest.vocabSize());
        var e = assertThrows(IllegalArgumentException.class, () -> ByteBpeTokenizer.ofMerges(merges));
        assertEquals("2096897 merges make 2097153 tokens; a BPE vocabulary has at most 2097152", e.getMessage());
    }

    @Test
    @Tag("slow")                                                    // 2-3 s: writes and parses 30 MB
    void theLargestVocabularySavesAndLoads(@TempDir Path dir) throws IOException {
        // 2096896 merges: about 30 MB of JSON, under the file-size cap, and half the array cap's elements.
        ByteBpeTokenizer largest = ByteBpeTokenizer.ofMerges(distinctMerges(ByteBpeTokenizer.MAX_VOCAB_SIZE - 256));
        Path file = dir.resolve("largest.json");
        largest.save(file);
        assertEquals(largest, Tokenizer.load(file));
    }

    /** {@code count} merges, merge r = (r / 256, r % 256): all distinct, each of tokens made before it. */
    private static int[][] distinctMerges(int count) {
        int[][] merges = new int[count][];
        for (int r = 0; r < count; r++) merges[r] = new int[] {r / 256, r % 256};
        return merges;
    }

    @Test
    void tokenizersWithDifferentMergesAreNotEqual() {
        ByteBpeTokenizer ab = ByteBpeTokenizer.ofMerges(new int[][] {{97, 98}});
        assertEquals(ab, ByteBpeTokenizer.train("abab", 300));
        assertNotEquals(ab, ByteBpeTokenizer.ofMerges(new int[][] {{97, 99}}));
        assertNotEquals(ab, ByteBpeTokenizer.ofMerges(new int[][] {{98, 98}}));
        assertNotEquals(ab, ByteBpeTokenizer.ofMerges(new int[][] {{97, 98}, {256, 256}}));
        assertNotEquals(ab, ByteBpeTokenizer.train(new byte[0], 256));
        assertNotEquals(ab, CharTokenizer.fit("ab"));
    }

    @Test
    void aTokenAtTheEndOfALongChainOfMergesDecodesToAllItsBytes() {
        // merge 0 = (a, a) and merge r = (token 255 + r, a): token 355 is 101 a's, nested 100 merges deep on its left.
        int[][] merges = new int[100][];
        merges[0] = new int[] {'a', 'a'};
        for (int r = 1; r < 100; r++) merges[r] = new int[] {255 + r, 'a'};
        ByteBpeTokenizer chain = ByteBpeTokenizer.ofMerges(merges);
        assertEquals("a".repeat(101), chain.decode(new int[] {355}));
        assertEquals("a".repeat(104), chain.decode(new int[] {355, 'a', 256}));
    }

    @Test
    void idsThatStandForMoreBytesThanAnArrayHoldsAreAnErrorNotACrash() {
        // merge 0 = (0, 0) and merge r = (token 255 + r, itself): token 256 + r stands for 2^(r+1) zero bytes. A
        // file may hold such merges; from token 318 (2^63 bytes) on, the count no longer fits in a long.
        int[][] merges = new int[64][];
        merges[0] = new int[] {0, 0};
        for (int r = 1; r < 64; r++) merges[r] = new int[] {255 + r, 255 + r};
        ByteBpeTokenizer doubling = ByteBpeTokenizer.ofMerges(merges);
        assertArrayEquals(new byte[1 << 20], doubling.tokenBytes(256 + 19));
        for (int id : new int[] {256 + 30, 256 + 31, 256 + 62, 256 + 63}) {
            var e = assertThrows(IllegalArgumentException.class, () -> doubling.decodeBytes(new int[] {id}), "token " + id);
            assertEquals("the 1 ids decode to more than 2147483639 bytes, more than a Java array holds", e.getMessage());
        }
        var two = assertThrows(IllegalArgumentException.class, () -> doubling.decode(new int[] {'a', 256 + 63}));
        assertEquals("the 2 ids decode to more than 2147483639 bytes, more than a Java array holds", two.getMessage());
    }

    @Test
    void aTokenCanStandForALongRunOfBytes() {
        byte[] zeros = new byte[1 << 12];
        ByteBpeTokenizer bpe = ByteBpeTokenizer.train(zeros, 300);
        assertEquals(256 + 11, bpe.vocabSize());                      // 2, 4, ... 2048 zeros; 4096 = two 2048s
        assertEquals(2048, bpe.tokenBytes(bpe.vocabSize() - 1).length);
        assertArrayEquals(new int[] {266, 266}, bpe.encodeBytes(zeros));
        assertArrayEquals(zeros, bpe.decodeBytes(bpe.encodeBytes(zeros)));
    }

    @Test
    void saveThenLoadGivesTheSameTokenizerAndEncodings(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        ENGLISH_400.save(file);
        Tokenizer loaded = Tokenizer.load(file);
        assertEquals(ByteBpeTokenizer.TYPE, loaded.type());
        assertEquals(ENGLISH_400, loaded);
        assertArrayEquals(ENGLISH_400.encode(Texts.ENGLISH), loaded.encode(Texts.ENGLISH));
        assertArrayEquals(ENGLISH_400.encode(Texts.MULTILINGUAL), loaded.encode(Texts.MULTILINGUAL));
    }

    @Test
    void theFileIsReadableJsonWithOneMergePerLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bpe.json");
        ByteBpeTokenizer.train("aaabdaaabac", 1000).save(file);
        assertEquals("""
                {
                  "type": "byte_bpe",
                  "version": 1,
                  "vocabSize": 259,
                  "merges": [
                    [97, 97],
                    [97, 98],
                    [256, 257]
                  ]
                }
                """, Files.readString(file));
        Path empty = dir.resolve("bytes-only.json");
        ByteBpeTokenizer.train(new byte[0], 256).save(empty);
        assertEquals("""
                {
                  "type": "byte_bpe",
                  "version": 1,
                  "vocabSize": 256,
                  "merges": []
                }
                """, Files.readString(empty));
        assertEquals(256, Tokenizer.load(empty).vocabSize());
    }

    @Test
    void saveReplacesAnExistingFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "old contents");
        ENGLISH_400.save(file);
        assertEquals(ENGLISH_400, Tokenizer.load(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(java.util.List.of(file), files.toList());
        }
    }
}
