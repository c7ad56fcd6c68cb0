package dev.minitape.lm.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Top-p (nucleus) sampling as {@link SamplingOptions} states it: the most likely tokens are kept until their
 * probability reaches p (the token that crosses p is kept), then renormalized and sampled. The rule of
 * Holtzman et al. and of Hugging Face's TopPLogitsWarper, which drops a token only when the less likely ones
 * and it together stay within 1 − p.
 */
class TopPTest {
    private static final int DRAWS = 20_000;
    /** p = (2, 8, 1, 4, 1)/16: by probability the tokens are 1, 3, 0, then 2 and 4 tied; cumulative 0.5, 0.75, 0.875, 0.9375, 1. */
    private static final double[] P = {2 / 16.0, 8 / 16.0, 1 / 16.0, 4 / 16.0, 1 / 16.0};
    private static final float[] LOGITS = logits(P);

    private static float[] logits(double[] p) {
        float[] z = new float[p.length];
        for (int i = 0; i < p.length; i++) z[i] = (float) Math.log(p[i]);
        return z;
    }

    /** How often each token comes out of DRAWS seeded draws. */
    private static int[] counts(float[] logits, SamplingOptions o) {
        Rng rng = new Rng(11);
        int[] counts = new int[logits.length];
        for (int i = 0; i < DRAWS; i++) counts[Sampler.choose(logits, o, rng)]++;
        return counts;
    }

    /** The tokens drawn at least once at temperature 1 (every kept token here has probability ≥ 1/16 of DRAWS). */
    private static Set<Integer> kept(float[] logits, int topK, double topP) {
        int[] counts = counts(logits, new SamplingOptions(1.0, topK, topP));
        Set<Integer> drawn = new TreeSet<>();
        for (int i = 0; i < counts.length; i++) if (counts[i] > 0) drawn.add(i);
        return drawn;
    }

    @Test
    void keepsTheMostLikelyTokensUpToAndIncludingTheOneThatCrossesP() {
        assertEquals(Set.of(1), kept(LOGITS, 0, 0.4));
        assertEquals(Set.of(1, 3), kept(LOGITS, 0, 0.6));
        assertEquals(Set.of(1, 3, 0), kept(LOGITS, 0, 0.8));
        assertEquals(Set.of(1, 3, 0, 2), kept(LOGITS, 0, 0.9));
        assertEquals(Set.of(0, 1, 2, 3, 4), kept(LOGITS, 0, 0.95));
    }

    @Test
    void aSetWhoseProbabilityEqualsPIsEnoughAndTiesGoToTheLowerId() {
        // Four equal logits: each p is exactly 0.25, and so is every partial sum's step.
        float[] flat = {1.5f, 1.5f, 1.5f, 1.5f};
        assertEquals(Set.of(0), kept(flat, 0, 0.25));
        assertEquals(Set.of(0, 1), kept(flat, 0, 0.5));
        assertEquals(Set.of(0, 1, 2), kept(flat, 0, 0.75));
        assertEquals(Set.of(0, 1, 2), kept(flat, 0, 0.7));
    }

    @Test
    void pOfOneKeepsEveryToken() {
        assertEquals(Set.of(0, 1, 2, 3, 4), kept(LOGITS, 0, 1.0));
    }

    @Test
    void aTinyPKeepsOnlyTheMostLikelyToken() {
        float[] nearlyFlat = {0.1f, 0.3f, 0.2f, 0.29f};              // the argmax has p ≈ 0.27
        assertEquals(Set.of(1), kept(nearlyFlat, 0, 1e-9));
        assertEquals(Set.of(1), kept(LOGITS, 0, Double.MIN_VALUE));
    }

    @Test
    void topPIsTakenAfterTheTemperatureAndOverTheTopKTokensRenormalized() {
        // top-2 leaves (8, 4)/12: 2/3 ≥ 0.6 alone, where over all tokens 0.5 would not reach it
        assertEquals(Set.of(1), kept(LOGITS, 2, 0.6));
        // temperature 2 flattens p to ∝ √p, ≈ (0.17, 0.34, 0.12, 0.24, 0.12): the top token no longer reaches 0.45
        int[] counts = counts(LOGITS, new SamplingOptions(2.0, 0, 0.45));
        assertTrue(counts[1] > 0 && counts[3] > 0 && counts[0] + counts[2] + counts[4] == 0, Arrays.toString(counts));
    }

    @Test
    void drawsFollowTheKeptTokensProbabilitiesRenormalized() {
        // Pearson's χ² over the kept tokens against DRAWS·p/Σ kept p, below its 0.1% quantile for k − 1 degrees of freedom.
        double[] quantile999 = {Double.NaN, 10.83, 13.82, 16.27, 18.47};
        int[] byProbability = {1, 3, 0, 2, 4};
        for (double topP : new double[] {0.6, 0.8, 0.9, 1.0}) {
            int[] counts = counts(LOGITS, new SamplingOptions(1.0, 0, topP));
            double mass = 0;
            int keep = 0;
            while (mass < topP - 1e-9) mass += P[byProbability[keep++]];
            double chi2 = 0;
            for (int r = 0; r < P.length; r++) {
                int token = byProbability[r];
                if (r >= keep) {
                    assertEquals(0, counts[token], "top-p " + topP + " drops token " + token);
                    continue;
                }
                double expected = DRAWS * P[token] / mass;
                chi2 += (counts[token] - expected) * (counts[token] - expected) / expected;
            }
            String what = "top-p " + topP + ": counts " + Arrays.toString(counts) + ", χ² " + chi2;
            assertTrue(chi2 < quantile999[keep - 1], what);
        }
    }
}
