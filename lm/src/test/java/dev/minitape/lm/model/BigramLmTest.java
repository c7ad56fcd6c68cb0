package dev.minitape.lm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import org.junit.jupiter.api.Test;

class BigramLmTest {

    /** Trained to convergence with cross-entropy, softmax of each row equals count(a, b) / count(a, ·). */
    @Test
    void convergesToTheCountBasedBigramMle() {
        int[] text = {0, 1, 2, 0, 1, 1, 2, 2, 0, 2, 1, 0, 0, 1, 2, 1, 0};
        int v = 3, n = text.length - 1;
        int[] x = java.util.Arrays.copyOf(text, n), y = java.util.Arrays.copyOfRange(text, 1, text.length);
        double[][] counts = new double[v][v];
        for (int t = 0; t < n; t++) counts[x[t]][y[t]]++;
        BigramLm model = new BigramLm(v, n);
        CrossEntropy ce = CrossEntropy.builder().build();
        for (int step = 0; step < 4000; step++) {
            model.zeroGrad();
            try (Tape tape = Tape.start()) {
                ce.apply(model.forward(x, 1, n), y).backward();
            }
            float[] p = model.table.data(), g = model.table.grad().data();
            for (int i = 0; i < p.length; i++) p[i] -= 5f * g[i];
        }
        Tensor probs = model.table.softmax(-1);
        for (int a = 0; a < v; a++) {
            double rowTotal = counts[a][0] + counts[a][1] + counts[a][2];
            for (int b = 0; b < v; b++) assertEquals(counts[a][b] / rowTotal, probs.get(a, b), 1e-3, "P(" + b + "|" + a + ")");
        }
    }
}
