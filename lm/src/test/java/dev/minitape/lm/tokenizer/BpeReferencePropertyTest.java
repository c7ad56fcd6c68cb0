package dev.minitape.lm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The fast trainer and encoder (incremental counts, heaps, lazy invalidation) give exactly what the
 * rule written the slow way ({@link NaiveBpe}) gives, on corpora from small alphabets where pairs
 * repeat, overlap ("aaaa") and tie often.
 */
class BpeReferencePropertyTest {

    @Property(tries = 500, seed = "20260201")
    void trainingLearnsTheMergesOfTheNaiveRule(@ForAll("corpora") byte[] corpus,
                                              @ForAll @IntRange(min = 0, max = 60) int merges) {
        List<Integer> naiveTokens = new ArrayList<>();
        List<int[]> naive = NaiveBpe.train(corpus, merges, naiveTokens);
        BpeTrainer.Result fast = BpeTrainer.train(corpus, merges);
        assertArrayEquals(naive.toArray(new int[0][]), merges(fast));
        assertArrayEquals(naiveTokens.stream().mapToInt(Integer::intValue).toArray(), fast.tokens());
    }

    @Property(tries = 500, seed = "20260202")
    void encodingAppliesTheMergesLikeTheNaiveRule(@ForAll("corpora") byte[] corpus, @ForAll("corpora") byte[] text,
                                                  @ForAll @IntRange(min = 0, max = 60) int merges) {
        ByteBpeTokenizer bpe = ByteBpeTokenizer.train(corpus, 256 + merges);
        assertArrayEquals(NaiveBpe.encode(text, bpe.merges()), bpe.encodeBytes(text));
    }

    @Property(tries = 300, seed = "20260203")
    void encodingTheCorpusGivesTheTokensTrainingEndedWith(@ForAll("corpora") byte[] corpus,
                                                         @ForAll @IntRange(min = 0, max = 60) int merges) {
        BpeTrainer.Result result = BpeTrainer.train(corpus, merges);
        ByteBpeTokenizer bpe = ByteBpeTokenizer.train(corpus, 256 + merges);
        assertEquals(result.lefts().length, bpe.mergeCount());
        assertArrayEquals(result.tokens(), bpe.encodeBytes(corpus));
    }

    /** Bytes from a 2- to 5-letter alphabet (0x00 and 0xFF among them), up to 300 long. */
    @Provide
    static Arbitrary<byte[]> corpora() {
        return Arbitraries.integers().between(2, 5).flatMap(letters -> Arbitraries
                .of((byte) 'a', (byte) 0x00, (byte) 'b', (byte) 0xFF, (byte) ' ').list().ofSize(letters)
                .flatMap(alphabet -> Arbitraries.of(alphabet).array(byte[].class).ofMaxSize(300)));
    }

    private static int[][] merges(BpeTrainer.Result result) {
        int[][] merges = new int[result.lefts().length][];
        for (int r = 0; r < merges.length; r++) merges[r] = new int[] {result.lefts()[r], result.rights()[r]};
        return merges;
    }
}
