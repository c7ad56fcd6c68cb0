package dev.minitape.lm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The floor under validation's blocks: {@link SyntheticCorpus#entropyPerCharInBlocks(int)}. */
class BlockFloorTest {
    private final SyntheticCorpus corpus = SyntheticCorpus.standard();
    private final List<String> words = corpus.vocabulary();
    private final double[][] p = new double[words.size()][words.size()];

    BlockFloorTest() {
        for (int i = 0; i < words.size(); i++) {
            for (int j = 0; j < words.size(); j++) p[i][j] = corpus.probability(words.get(i), words.get(j));
        }
    }

    @Test
    void theFloorIsAboveTheEntropyRateAndApproachesItLikeOneOverT() {
        double h = corpus.entropyPerChar(), previous = Double.POSITIVE_INFINITY;
        for (int block : new int[] {1, 2, 4, 8, 64, 256}) {
            double f = corpus.entropyPerCharInBlocks(block);
            assertTrue(f > h && f < previous, "f(" + block + ") = " + f + " against h = " + h + ", f of the shorter block " + previous);
            previous = f;
        }
        // The extra nats are spent in a block's first characters, so T·(f(T) − h) stops growing.
        double spent = 64 * (corpus.entropyPerCharInBlocks(64) - h);
        assertEquals(spent, 256 * (corpus.entropyPerCharInBlocks(256) - h), 1e-9);
        assertTrue(spent / 64 > 0.01, "validation's 64-char blocks cost " + spent / 64 + " nats/char");
    }

    /** f(T) = (1/T) Σ_{t<T} H(X_{t+1} | X_0..X_t) = (H(X_0..X_T) − H(X_0)) / T, from every string of T + 1 characters. */
    @Test
    void theFloorMatchesItsDefinitionOnShortBlocks() {
        for (int block = 1; block <= 7; block++) {
            Map<String, Double> strings = everyString(block + 1), firsts = new HashMap<>();
            strings.forEach((s, q) -> firsts.merge(s.substring(0, 1), q, Double::sum));
            double joint = entropy(strings), first = entropy(firsts);
            assertEquals((joint - first) / block, corpus.entropyPerCharInBlocks(block), 1e-9, "block " + block);
        }
    }

    /** f(1) and f(2) against the plug-in conditional entropies of a generated text's character pairs and triples. */
    @Test
    void theFloorOfShortBlocksMatchesTheGeneratedText() {
        String text = corpus.generate(2_000_000, new Rng(3)).substring(SyntheticCorpus.FIRST_SENTENCE.length());
        double pairs = conditionalEntropy(text, 1), triples = conditionalEntropy(text, 2);
        assertEquals(pairs, corpus.entropyPerCharInBlocks(1), 0.003);
        assertEquals((pairs + triples) / 2, corpus.entropyPerCharInBlocks(2), 0.003);
    }

    /** H(X_c | the c characters before), counted over the text. */
    private static double conditionalEntropy(String text, int c) {
        Map<String, Double> withNext = new HashMap<>(), context = new HashMap<>();
        for (int i = c; i < text.length(); i++) {
            withNext.merge(text.substring(i - c, i + 1), 1.0, Double::sum);
            context.merge(text.substring(i - c, i), 1.0, Double::sum);
        }
        return entropy(normalized(withNext)) - entropy(normalized(context));
    }

    private static Map<String, Double> normalized(Map<String, Double> counts) {
        double total = counts.values().stream().mapToDouble(Double::doubleValue).sum();
        counts.replaceAll((s, n) -> n / total);
        return counts;
    }

    private static double entropy(Map<String, Double> p) {
        return -p.values().stream().mapToDouble(q -> q * Math.log(q)).sum();
    }

    /**
     * Every string of {@code length} characters with its probability at a random offset, from the chain's
     * public description: a step i → j writes " j", " J" after the sentence end, or "."; a random character
     * is the k-th of step i → j with probability π_i·P_ij / L.
     */
    private Map<String, Double> everyString(int length) {
        Map<String, Double> strings = new HashMap<>();
        double[] pi = stationary();
        double total = 0;
        for (int i = 0; i < words.size(); i++) {
            for (int j = 0; j < words.size(); j++) {
                if (p[i][j] > 0) total += pi[i] * p[i][j] * step(i, j).length();
            }
        }
        for (int i = 0; i < words.size(); i++) {
            for (int j = 0; j < words.size(); j++) {
                String s = step(i, j);
                for (int k = 0; p[i][j] > 0 && k < s.length(); k++) extend(j, s.substring(k), pi[i] * p[i][j] / total, length, strings);
            }
        }
        return strings;
    }

    /** Continues the text from {@code text} (the rest of a step ending in word j) up to {@code length} characters. */
    private void extend(int j, String text, double q, int length, Map<String, Double> strings) {
        if (text.length() >= length) {
            strings.merge(text.substring(0, length), q, Double::sum);
            return;
        }
        for (int m = 0; m < words.size(); m++) {
            if (p[j][m] > 0) extend(m, text + step(j, m), q * p[j][m], length, strings);
        }
    }

    private String step(int i, int j) {
        String w = words.get(j);
        if (w.equals(".")) return ".";
        return words.get(i).equals(".") ? " " + Character.toUpperCase(w.charAt(0)) + w.substring(1) : " " + w;
    }

    /** π with πᵀP = πᵀ by power iteration. */
    private double[] stationary() {
        int n = words.size();
        double[] pi = new double[n];
        Arrays.fill(pi, 1.0 / n);
        for (int round = 0; round < 2000; round++) {
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) next[j] += pi[i] * p[i][j];
            }
            pi = next;
        }
        return pi;
    }
}
