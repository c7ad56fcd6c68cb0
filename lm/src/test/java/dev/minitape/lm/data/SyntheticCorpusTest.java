package dev.minitape.lm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticCorpusTest {
    private final SyntheticCorpus corpus = SyntheticCorpus.standard();

    @Test
    void startsWithTheCatAndIsEnglishLike() {
        String text = corpus.generate(2000, new Rng(1));
        assertTrue(text.startsWith("The cat sat on the mat. "), text.substring(0, 40));
        assertTrue(text.length() >= 2000);
        assertTrue(text.matches("[A-Za-z .]+"));
    }

    /**
     * The analytic floor agrees with a Monte Carlo estimate: parse a long generated text back into
     * words (the text is a one-to-one function of them), sum −log P(w_t+1 | w_t), divide by characters.
     */
    @Test
    void theAnalyticEntropyRateMatchesTheTextsOwnLogLikelihood() {
        String text = corpus.generate(2_000_000, new Rng(2));
        String body = text.substring(SyntheticCorpus.FIRST_SENTENCE.length());
        String prev = ".";
        double nll = 0;
        int i = 0;
        while (i < body.length()) {
            String next;
            if (body.charAt(i) == '.') {
                next = ".";
                i++;
            } else {
                int j = body.indexOf(' ', i + 1), k = body.indexOf('.', i + 1);
                int stop = j < 0 ? k : k < 0 ? j : Math.min(j, k);
                if (stop < 0) break;                                    // a word cut off at the end
                next = body.substring(i + 1, stop).toLowerCase();
                i = stop;
            }
            nll -= Math.log(corpus.probability(prev, next));
            prev = next;
        }
        double perChar = nll / i;
        assertEquals(corpus.entropyPerChar(), perChar, 0.005);
    }

    @Test
    void theFloorIsAFewTenthsOfANatPerCharacter() {
        double h = corpus.entropyPerChar();
        assertTrue(h > 0.2 && h < 1.0, "floor " + h);
        assertEquals(corpus.entropyPerWord() / corpus.charsPerWord(), h, 1e-12);
        List<String> words = corpus.vocabulary();
        double total = 0;
        for (String w : words) total += corpus.probability("cat", w);
        assertEquals(1.0, total, 1e-12);
    }
}
