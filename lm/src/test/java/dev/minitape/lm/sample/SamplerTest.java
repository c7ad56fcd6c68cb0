package dev.minitape.lm.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.lm.model.BigramLm;
import dev.minitape.lm.model.Gpt;
import dev.minitape.lm.model.GptConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private final Gpt gpt = new Gpt(new GptConfig(13, 12, 2, 2, 8, 0.1f), new Rng(7));

    @Test
    void theSameSeedGivesTheSameText() {
        SamplingOptions o = new SamplingOptions(1.0, 0, 1.0);
        int[] a = Sampler.generate(gpt, new int[] {1, 2}, 30, o, new Rng(9), null);
        int[] b = Sampler.generate(gpt, new int[] {1, 2}, 30, o, new Rng(9), null);
        assertArrayEquals(a, b);
        assertTrue(gpt.isTraining(), "the model's mode is restored");
    }

    @Test
    void topKOfOneIsGreedy() {
        int[] greedy = Sampler.generate(gpt, new int[] {4}, 30, SamplingOptions.greedy(), new Rng(1), null);
        int[] topOne = Sampler.generate(gpt, new int[] {4}, 30, new SamplingOptions(0.7, 1, 1.0), new Rng(2), null);
        assertArrayEquals(greedy, topOne);
    }

    @Test
    void generationPastTheBlockSizeKeepsGoingAndStreams() {
        List<Integer> streamed = new ArrayList<>();
        int[] out = Sampler.generate(gpt, new int[] {0, 1, 2}, 40, new SamplingOptions(1.0, 5, 0.9), new Rng(3), streamed::add);
        assertEquals(40, out.length);
        for (int i = 0; i < out.length; i++) assertEquals(out[i], streamed.get(i));
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // p = (0.5, 0.3, 0.15, 0.05): top-p 0.75 keeps {0, 1}; never samples 2 or 3.
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        Rng rng = new Rng(4);
        int[] counts = new int[4];
        for (int i = 0; i < 20_000; i++) counts[Sampler.choose(logits, new SamplingOptions(1.0, 0, 0.75), rng)]++;
        assertEquals(0, counts[2] + counts[3]);
        assertEquals(0.5 / 0.8, counts[0] / 20_000.0, 0.015);
    }

    @Test
    void temperatureOneSamplesTheModelsDistribution() {
        float[] logits = {0f, (float) Math.log(3)};                    // p = (0.25, 0.75)
        Rng rng = new Rng(5);
        int ones = 0;
        for (int i = 0; i < 40_000; i++) ones += Sampler.choose(logits, new SamplingOptions(1.0, 0, 1.0), rng);
        assertEquals(0.75, ones / 40_000.0, 0.01);
    }

    @Test
    void modelsWithoutACacheReadTheirLastBlock() {
        BigramLm bigram = new BigramLm(5, 4);
        bigram.table.data()[2 * 5 + 3] = 10f;                         // after 2 comes 3
        bigram.table.data()[3 * 5 + 2] = 10f;                         // after 3 comes 2
        int[] out = Sampler.generate(bigram, new int[] {2}, 6, SamplingOptions.greedy(), new Rng(0), null);
        assertArrayEquals(new int[] {3, 2, 3, 2, 3, 2}, out);
    }

    @Test
    void generationEndsWhenTheCallerSaysSo() {
        SamplingOptions o = new SamplingOptions(1.0, 0, 1.0);
        int[] all = Sampler.generate(gpt, new int[] {1}, 20, o, new Rng(4), null);
        int[] seen = {0};
        int[] first = Sampler.generateWhile(gpt, new int[] {1}, 20, o, new Rng(4), id -> ++seen[0] < 5);
        assertArrayEquals(java.util.Arrays.copyOf(all, 5), first);
    }

    @Test
    void badOptionsAreExplained() {
        var e = assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(-1, 0, 1));
        assertTrue(e.getMessage().contains("temperature"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SamplingOptions(1, 0, 0));
        assertTrue(e.getMessage().contains("top-p must be in (0, 1]"), e.getMessage());
    }
}
