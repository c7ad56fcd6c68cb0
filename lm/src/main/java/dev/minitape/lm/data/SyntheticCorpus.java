package dev.minitape.lm.data;

import dev.minitape.core.Rng;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * The built-in training text: English-like sentences from a word-level Markov chain whose entropy is
 * known exactly, so a trained model's loss can be read against the floor no model can beat.
 *
 * <p>The chain's states are the words and the sentence end ".". Word categories follow a small grammar
 * (determiner, adjective, noun, verb, preposition, ...); each word picks its successors' category by the
 * grammar and the successor within that category with its own seeded weights. A step from state i to j
 * writes j after i: " word", " Word" after a sentence end, or "." at the end. The text is a one-to-one
 * function of the word sequence, so its entropy per character is
 * <pre>
 *   h = H / L,   H = Σ_i π_i·H(P_i·) nats per word,   L = Σ_i π_i Σ_j P_ij·len(emit(i, j)) chars per word
 * </pre>
 * with π the chain's stationary distribution (πᵀP = πᵀ, Σπ = 1, solved with EJML). A model that sees the
 * whole past and has loss ℓ nats per character on this text has ℓ − h = D(p‖q) per character, the KL
 * divergence between the source and the model: H(p, q) = H(p) + D(p‖q) made visible. Validation sees less:
 * it scores every position of fixed-length blocks, and a block's first characters have little context, so
 * even the source averages more than h there; {@link #entropyPerCharInBlocks(int)} is that higher floor,
 * and only the loss above it is the KL divergence (given the same context).
 */
public final class SyntheticCorpus {
    /** The first sentence of every generated text. */
    public static final String FIRST_SENTENCE = "The cat sat on the mat.";

    private static final String END = ".";
    private static final String[][] CATEGORIES = {
        {"the", "a", "my", "every", "this"},                                              // 0 determiner
        {"small", "big", "red", "quiet", "happy", "old", "young", "green"},                // 1 adjective
        {"cat", "dog", "mat", "bird", "child", "house", "tree", "ball", "garden", "river", "book", "fish"}, // 2 noun
        {"sat", "ran", "slept", "looked", "walked", "jumped"},                             // 3 verb
        {"saw", "found", "liked", "chased", "held"},                                        // 4 transitive verb
        {"on", "in", "under", "near", "by"},                                               // 5 preposition
        {"slowly", "again", "today"},                                                      // 6 adverb
        {"and", "but"},                                                                    // 7 conjunction
        {END},                                                                             // 8 sentence end
    };
    /** GRAMMAR[c][d]: probability that a word of category c is followed by one of category d. */
    private static final double[][] GRAMMAR = {
        {0, 0.3, 0.7, 0, 0, 0, 0, 0, 0},
        {0, 0.15, 0.85, 0, 0, 0, 0, 0, 0},
        {0, 0, 0, 0.35, 0.25, 0.15, 0, 0.1, 0.15},
        {0, 0, 0, 0, 0, 0.6, 0.2, 0, 0.2},
        {1, 0, 0, 0, 0, 0, 0, 0, 0},
        {1, 0, 0, 0, 0, 0, 0, 0, 0},
        {0, 0, 0, 0, 0, 0.3, 0, 0, 0.7},
        {1, 0, 0, 0, 0, 0, 0, 0, 0},
        {1, 0, 0, 0, 0, 0, 0, 0, 0},
    };

    private final List<String> words = new ArrayList<>();
    private final double[][] transition;   // P[i][j]
    private final double[] stationary;
    private final int end;

    private SyntheticCorpus(long seed) {
        List<Integer> category = new ArrayList<>();
        for (int c = 0; c < CATEGORIES.length; c++) {
            for (String w : CATEGORIES[c]) {
                words.add(w);
                category.add(c);
            }
        }
        int n = words.size();
        end = words.indexOf(END);
        transition = new double[n][n];
        Rng rng = new Rng(seed);
        for (int i = 0; i < n; i++) {
            int c = category.get(i);
            for (int d = 0; d < CATEGORIES.length; d++) {
                if (GRAMMAR[c][d] == 0) continue;
                // Within category d, word i's own preferences: weights (u + 0.1)², normalized.
                double[] w = new double[n];
                double total = 0;
                for (int j = 0; j < n; j++) {
                    if (category.get(j) != d) continue;
                    double u = rng.nextDouble() + 0.1;
                    w[j] = u * u;
                    total += w[j];
                }
                for (int j = 0; j < n; j++) transition[i][j] += GRAMMAR[c][d] * w[j] / total;
            }
        }
        stationary = solveStationary(transition);
    }

    /** The corpus every `minitape train` without --data uses. */
    public static SyntheticCorpus standard() {
        return new SyntheticCorpus(2026);
    }

    /** π with πᵀP = πᵀ and Σπ = 1: the system (Pᵀ − I)π = 0 with its last row replaced by Σπ = 1. */
    private static double[] solveStationary(double[][] p) {
        int n = p.length;
        DMatrixRMaj a = new DMatrixRMaj(n, n), b = new DMatrixRMaj(n, 1), x = new DMatrixRMaj(n, 1);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) a.set(i, j, p[j][i] - (i == j ? 1 : 0));
        }
        for (int j = 0; j < n; j++) a.set(n - 1, j, 1);
        b.set(n - 1, 0, 1);
        if (!CommonOps_DDRM.solve(a, b, x)) throw new IllegalStateException("SyntheticCorpus: the chain has no unique stationary distribution");
        return x.getData().clone();
    }

    /** The characters written by the step i → j. */
    private String emit(int i, int j) {
        if (j == end) return END;
        String w = words.get(j);
        return i == end ? " " + Character.toUpperCase(w.charAt(0)) + w.substring(1) : " " + w;
    }

    /** Entropy rate in nats per word step: H = Σ_i π_i·H(P_i·). */
    public double entropyPerWord() {
        double h = 0;
        for (int i = 0; i < transition.length; i++) {
            for (double pij : transition[i]) if (pij > 0) h -= stationary[i] * pij * Math.log(pij);
        }
        return h;
    }

    /** Mean characters written per step: L = Σ_i π_i Σ_j P_ij·len(emit(i, j)). */
    public double charsPerWord() {
        double l = 0;
        for (int i = 0; i < transition.length; i++) {
            for (int j = 0; j < transition.length; j++) {
                if (transition[i][j] > 0) l += stationary[i] * transition[i][j] * emit(i, j).length();
            }
        }
        return l;
    }

    /** The floor: the entropy rate h = H / L in nats per character. */
    public double entropyPerChar() {
        return entropyPerWord() / charsPerWord();
    }

    /**
     * The floor under an evaluation of blocks of {@code block} characters (validation's windows): when every
     * position t is scored, predicting character t + 1 from characters 0..t of the block alone, the best
     * mean loss is f(T) = (1/T) Σ_{t<T} H(X_{t+1} | X_0..X_t) ≥ h, since a block's first characters see little
     * context. Computed exactly by BlockFloor; f(T) − h shrinks like 1/T.
     */
    public double entropyPerCharInBlocks(int block) {
        String[][] emitted = new String[words.size()][words.size()];
        for (int i = 0; i < emitted.length; i++) {
            for (int j = 0; j < emitted.length; j++) if (transition[i][j] > 0) emitted[i][j] = emit(i, j);
        }
        return entropyPerChar() + new BlockFloor(transition, stationary, emitted).excess(block);
    }

    /** The words of the chain (the sentence end included as "."). */
    public List<String> vocabulary() {
        return List.copyOf(words);
    }

    /** P(next = j | current = i), for inspection and tests. */
    public double probability(String current, String next) {
        int i = words.indexOf(current), j = words.indexOf(next);
        if (i < 0 || j < 0) throw new IllegalArgumentException("SyntheticCorpus: unknown word '" + (i < 0 ? current : next) + "'");
        return transition[i][j];
    }

    /** A text of at least {@code minChars} characters: the first sentence, then the chain from a sentence end. */
    public String generate(int minChars, Rng rng) {
        StringBuilder sb = new StringBuilder(minChars + 64).append(FIRST_SENTENCE);
        int state = end;
        while (sb.length() < minChars) {
            double u = rng.nextDouble(), acc = 0;
            int next = transition.length - 1;
            for (int j = 0; j < transition.length; j++) {
                acc += transition[state][j];
                if (u < acc) {
                    next = j;
                    break;
                }
            }
            if (transition[state][next] == 0) continue;   // rounding past the last successor: draw again
            sb.append(emit(state, next));
            state = next;
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SyntheticCorpus(%d words, %.4f nats/word, %.3f chars/word, floor %.4f nats/char)",
                words.size(), entropyPerWord(), charsPerWord(), entropyPerChar());
    }
}
