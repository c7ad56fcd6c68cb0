package dev.minitape.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Minimizing cross-entropy is maximizing likelihood, shown on models built from core ops. */
class MaximumLikelihoodTest {

    private static final CrossEntropy SUM = CrossEntropy.builder().reduction(Reduction.SUM).build();

    /** −log P(s₁..s_T | s₀) computed in double, one conditional softmax at a time. */
    private static double negLogProbability(float[][] logitsPerStep, int[] next) {
        double nll = 0;
        for (int t = 0; t < next.length; t++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float z : logitsPerStep[t]) max = Math.max(max, z);
            double sum = 0;
            for (float z : logitsPerStep[t]) sum += Math.exp(z - max);
            double p = Math.exp(logitsPerStep[t][next[t]] - max) / sum;   // P(s_t+1 | s_t)
            nll -= Math.log(p);
        }
        return nll;
    }

    @Test
    void summedTokenLossesOfABigramModelAreMinusLogProbabilityOfTheSequence() {
        int v = 6;
        Tensor table = Tensor.randn(new Rng(1), v, v);                     // logits of the next token given this one
        int[] seq = {0, 3, 3, 5, 1, 0, 2, 4, 4, 1};
        int[] inputs = java.util.Arrays.copyOfRange(seq, 0, seq.length - 1);
        int[] targets = java.util.Arrays.copyOfRange(seq, 1, seq.length);
        float loss = SUM.apply(table.indexSelect(0, inputs), targets).item();
        float[][] steps = new float[inputs.length][];
        for (int t = 0; t < inputs.length; t++) steps[t] = table.slice(0, inputs[t], inputs[t] + 1).toArray();
        assertEquals(negLogProbability(steps, targets), loss, 1e-5);
    }

    @Test
    void summedTokenLossesOfAnMlpModelAreMinusLogProbabilityAndGradientsAgree() {
        // One hidden layer over the previous token: logits = tanh(E[s]·W1 + b1)·W2.
        int v = 5, c = 4, h = 8;
        Rng rng = new Rng(2);
        Tensor emb = Tensor.randn(rng, v, c).requiresGrad(true), w1 = Tensor.randn(rng, c, h).requiresGrad(true);
        Tensor b1 = Tensor.randn(rng, h).requiresGrad(true), w2 = Tensor.randn(rng, h, v).requiresGrad(true);
        int[] seq = {1, 4, 0, 0, 3, 2, 4, 1};
        int[] inputs = java.util.Arrays.copyOfRange(seq, 0, seq.length - 1);
        int[] targets = java.util.Arrays.copyOfRange(seq, 1, seq.length);
        int n = inputs.length;
        Tensor[] params = {emb, w1, b1, w2};

        // Mean cross-entropy through the fused loss.
        float[][] ceGrads = new float[4][];
        float[][] logits = new float[n][];
        float sumLoss;
        try (Tape tape = Tape.start()) {
            Tensor z = emb.indexSelect(0, inputs).matmul(w1).add(b1).tanh().matmul(w2);
            for (int t = 0; t < n; t++) logits[t] = z.slice(0, t, t + 1).toArray();
            sumLoss = SUM.apply(z, targets).item();
            CrossEntropy.builder().build().apply(z, targets).backward();
        }
        for (int i = 0; i < 4; i++) {
            ceGrads[i] = params[i].grad().toArray();
            params[i].zeroGrad();
        }
        assertEquals(negLogProbability(logits, targets), sumLoss, 1e-4);

        // Mean log-likelihood, log P(s_t+1 | s_t) gathered from log-softmax: its gradient is minus the loss's.
        try (Tape tape = Tape.start()) {
            Tensor z = emb.indexSelect(0, inputs).matmul(w1).add(b1).tanh().matmul(w2);
            z.logSoftmax(-1).gather(1, targets).mean().backward();
        }
        for (int i = 0; i < 4; i++) {
            float[] llGrad = params[i].grad().toArray();
            for (int j = 0; j < llGrad.length; j++) llGrad[j] = -llGrad[j];
            assertArrayEquals(llGrad, ceGrads[i], 1e-5f, "parameter " + i);
        }
    }

    /** Gradient descent on one shared logit vector z against a fixed data set; returns softmax(z) and the loss. */
    private static double[] fit(CrossEntropy ce, int[] data, int v) {
        Tensor z = Tensor.zeros(1, v).requiresGrad(true);
        Tensor rows = Tensor.zeros(data.length, v);
        float loss = 0;
        for (int step = 0; step < 3000; step++) {
            try (Tape tape = Tape.start()) {
                Tensor l = ce.apply(z.add(rows), data);     // every row's logits are z
                loss = l.item();
                l.backward();
            }
            float[] zd = z.data(), g = z.grad().data();
            for (int c = 0; c < v; c++) zd[c] -= 2f * g[c];
            z.zeroGrad();
        }
        float[] p = z.softmax(-1).toArray();
        double[] out = new double[v + 1];
        for (int c = 0; c < v; c++) out[c] = p[c];
        out[v] = loss;
        return out;
    }

    private static final int[] DATA = {0, 1, 1, 2, 2, 2, 2, 3, 1, 2};   // counts 1, 3, 5, 1 of 10

    @Test
    void gradientDescentFindsTheEmpiricalFrequenciesAndTheEntropyIsTheMinimum() {
        double[] freq = {0.1, 0.3, 0.5, 0.1};
        double[] fit = fit(CrossEntropy.builder().build(), DATA, 4);
        for (int c = 0; c < 4; c++) assertEquals(freq[c], fit[c], 1e-4, "p(" + c + ")");
        assertEquals(Info.entropy(freq), fit[4], 1e-5);
    }

    @Test
    void withLabelSmoothingTheMinimizerIsTheSmoothedTarget() {
        double eps = 0.2;
        double[] target = new double[4];
        double[] freq = {0.1, 0.3, 0.5, 0.1};
        for (int c = 0; c < 4; c++) target[c] = (1 - eps) * freq[c] + eps / 4;   // (1 − ε)·onehot + ε/V, averaged
        double[] fit = fit(CrossEntropy.builder().labelSmoothing(eps).build(), DATA, 4);
        for (int c = 0; c < 4; c++) assertEquals(target[c], fit[c], 1e-4, "p(" + c + ")");
        assertEquals(Info.entropy(target), fit[4], 1e-5);
        // A single example: (1 − ε)·onehot + ε/V.
        double[] one = fit(CrossEntropy.builder().labelSmoothing(eps).build(), new int[] {2}, 4);
        assertArrayEquals(new double[] {0.05, 0.05, 0.85, 0.05}, java.util.Arrays.copyOf(one, 4), 1e-4);
    }

    @Test
    void withClassWeightsTheMinimizerIsTheWeightedMle() {
        float[] w = {2f, 1f, 0.5f, 3f};
        double[] counts = {1, 3, 5, 1};
        double norm = 0;
        for (int c = 0; c < 4; c++) norm += w[c] * counts[c];
        double[] fit = fit(CrossEntropy.builder().classWeights(w).build(), DATA, 4);
        for (int c = 0; c < 4; c++) assertEquals(w[c] * counts[c] / norm, fit[c], 1e-4, "p(" + c + ")");
    }
}
