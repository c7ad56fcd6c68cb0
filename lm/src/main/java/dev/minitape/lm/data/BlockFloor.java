package dev.minitape.lm.data;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The lowest mean loss a model scored at every position of a block can reach on {@link SyntheticCorpus}'s
 * text. Position t of a block drawn at a random offset predicts character t + 1 from characters 0..t only,
 * so even the source, seeing no more than the block, averages
 * <pre>
 *   f(T) = (1/T) Σ_{t<T} H(X_{t+1} | X_0..X_t)  =  h + (1/T) Σ_{t<T} I(X_{t+1}; A | X_0..X_t)  ≥ h
 * </pre>
 * with h = H(X_{t+1} | the whole past) the entropy rate and A the part of the text before the block that
 * still matters: the word i of the step i → j the block starts in and the characters of that step already
 * written. The chain is Markov in words, so X_{t+1} depends on the text before the block only through A,
 * and each term is the Jensen gap I = H(Σ_a P(a)·q_a) − Σ_a P(a)·H(q_a) of the next character's
 * distributions q_a given each A still possible.
 *
 * <p>The sum is exact: it runs over every prefix of the block, with the joint belief over (A, hidden state)
 * filtered forward, until A no longer matters. That happens once every state still possible started its
 * step inside the block after one and the same word: the posterior over what follows is then the same
 * whatever came before, so the rest of the block adds nothing. No prefix needs more than the partial word
 * the block starts in, one whole word and one character (ten characters on the standard corpus).
 */
final class BlockFloor {
    private final double[][] p;
    private final int[][] first;      // first[i][j]: the state writing emit[i][j]'s first character
    private final int[] word, at;     // state (i, j, k): word[s] = i, at[s] = k
    private final int[] stepEnds;     // j when the state writes emit[i][j]'s last character, else −1
    private final char[] written;
    private final Map<Long, Double> start;

    /**
     * The hidden states are the characters of the steps: state (i, j, k) writes character k of emit[i][j],
     * the text of the word step i → j. At a random offset, state (i, j, k) is current with probability
     * π_i·P_ij / L (L the mean characters per step).
     */
    BlockFloor(double[][] p, double[] stationary, String[][] emit) {
        this.p = p;
        int n = p.length, states = 0;
        first = new int[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                first[i][j] = states;
                states += length(emit[i][j]);
            }
        }
        word = new int[states];
        at = new int[states];
        stepEnds = new int[states];
        written = new char[states];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0, s = first[i][j]; k < length(emit[i][j]); k++, s++) {
                    word[s] = i;
                    at[s] = k;
                    written[s] = emit[i][j].charAt(k);
                    stepEnds[s] = k == emit[i][j].length() - 1 ? j : -1;
                }
            }
        }
        start = startBelief(stationary, emit);
    }

    /**
     * The belief over (A, state) at a random offset: state (i, j, k) with A = (i, the k characters of emit[i][j]
     * before it), weight π_i·P_ij. (When k = 0 the past does not say whether its last step has ended, but the
     * block's first character does: only a step's first character is " " or ".".)
     */
    private Map<Long, Double> startBelief(double[] stationary, String[][] emit) {
        Map<Long, Double> belief = new LinkedHashMap<>();
        Map<String, Integer> anchors = new HashMap<>();
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < p.length; j++) {
                for (int k = 0; k < length(emit[i][j]); k++) {
                    int a = anchors.computeIfAbsent(i + ":" + emit[i][j].substring(0, k), s -> anchors.size());
                    belief.put(key(a, first[i][j] + k), stationary[i] * p[i][j]);
                    total += stationary[i] * p[i][j];
                }
            }
        }
        for (Map.Entry<Long, Double> e : belief.entrySet()) e.setValue(e.getValue() / total);
        return belief;
    }

    /** f(T) − h in nats per character for blocks of {@code block} characters. */
    double excess(int block) {
        if (block < 1) throw new IllegalArgumentException("BlockFloor: a block holds at least 1 character, got " + block);
        double sum = 0;
        for (Map<Long, Double> firstCharacter : byCharacter(start).values()) sum += gapsFrom(firstCharacter, 0, block);
        return sum / block;
    }

    /**
     * Σ over positions t..block−1 of P(prefix)·I(next; A | prefix) for every prefix extending the one read up to
     * position t, whose belief (unnormalized: its total is P(prefix)) is {@code belief}.
     */
    private double gapsFrom(Map<Long, Double> belief, int t, int block) {
        if (t == block || settled(belief, t)) return 0;
        Map<Character, Map<Long, Double>> next = byCharacter(successors(belief));
        double gap = jensenGap(next);
        for (Map<Long, Double> child : next.values()) gap += gapsFrom(child, t + 1, block);
        return gap;
    }

    /** Every state started its step inside the block (k ≤ t) after the same word i. */
    private boolean settled(Map<Long, Double> belief, int t) {
        int i = -1;
        for (long key : belief.keySet()) {
            int s = state(key);
            if (at[s] > t || (i >= 0 && word[s] != i)) return false;
            i = word[s];
        }
        return true;
    }

    private Map<Long, Double> successors(Map<Long, Double> belief) {
        Map<Long, Double> next = new LinkedHashMap<>();
        for (Map.Entry<Long, Double> e : belief.entrySet()) {
            int a = anchor(e.getKey()), s = state(e.getKey()), j = stepEnds[s];
            if (j < 0) {
                next.merge(key(a, s + 1), e.getValue(), Double::sum);
                continue;
            }
            for (int m = 0; m < p.length; m++) {
                if (p[j][m] > 0) next.merge(key(a, first[j][m]), e.getValue() * p[j][m], Double::sum);
            }
        }
        return next;
    }

    private Map<Character, Map<Long, Double>> byCharacter(Map<Long, Double> belief) {
        Map<Character, Map<Long, Double>> split = new TreeMap<>();
        for (Map.Entry<Long, Double> e : belief.entrySet()) {
            split.computeIfAbsent(written[state(e.getKey())], c -> new LinkedHashMap<>()).put(e.getKey(), e.getValue());
        }
        return split;
    }

    /**
     * P(prefix)·[H(q) − Σ_a P(a)·H(q_a)] from unnormalized masses m_a(c):
     * Σ_a Σ_c m_a(c)·ln(m_a(c) / M_a) − Σ_c m(c)·ln(m(c) / M).
     */
    private static double jensenGap(Map<Character, Map<Long, Double>> next) {
        Map<Integer, Double> perAnchor = new HashMap<>();
        Map<Long, Double> perAnchorAndCharacter = new HashMap<>();
        double total = 0, gap = 0;
        for (Map.Entry<Character, Map<Long, Double>> c : next.entrySet()) {
            double m = 0;
            for (Map.Entry<Long, Double> e : c.getValue().entrySet()) {
                m += e.getValue();
                perAnchor.merge(anchor(e.getKey()), e.getValue(), Double::sum);
                perAnchorAndCharacter.merge(key(anchor(e.getKey()), c.getKey()), e.getValue(), Double::sum);
            }
            gap -= m * Math.log(m);
            total += m;
        }
        gap += total * Math.log(total);
        for (Map.Entry<Long, Double> e : perAnchorAndCharacter.entrySet()) {
            gap += e.getValue() * Math.log(e.getValue() / perAnchor.get(anchor(e.getKey())));
        }
        return gap;
    }

    private static int length(String step) {
        return step == null ? 0 : step.length();
    }

    private static long key(int anchor, int state) {
        return (long) anchor << 32 | state;
    }

    private static int anchor(long key) {
        return (int) (key >>> 32);
    }

    private static int state(long key) {
        return (int) key;
    }
}
