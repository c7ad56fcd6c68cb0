package dev.minitape.lm.model;

import dev.minitape.core.Tensor;
import dev.minitape.nn.Parameter;

/**
 * The simplest language model: a V×V table whose row a holds the logits of the token after a.
 * Trained to convergence with cross-entropy, softmax of each row is the count-based estimate
 * P(b | a) = count(a, b) / count(a, ·).
 */
public final class BigramLm extends ModuleLanguageModel {
    public final Parameter table;

    public BigramLm(int vocabSize, int blockSize) {
        super(vocabSize, blockSize);
        this.table = parameter("table", new Parameter(new float[vocabSize * vocabSize], vocabSize, vocabSize));
    }

    @Override
    public Tensor forward(int[] tokens, int batch, int time) {
        return dev.minitape.core.ops.Index.embedding(table, tokens, -1).reshape(batch, time, vocabSize());
    }
}
