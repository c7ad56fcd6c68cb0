package dev.minitape.lm.model;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import dev.minitape.nn.Embedding;
import dev.minitape.nn.Linear;

/**
 * Bengio et al. (2003): the previous n tokens' embeddings, concatenated, through a tanh hidden layer:
 * logits = W₂·tanh(W₁·[e(x_{t−n+1}); ...; e(x_t)] + b₁) + b₂. Positions before the start of a window read
 * a padding embedding (id V).
 */
public final class MlpLm extends ModuleLanguageModel {
    private final int context, dim;
    public final Embedding embedding;
    public final Linear hidden, output;

    public MlpLm(int vocabSize, int blockSize, int context, int dim, int hiddenSize, Rng rng) {
        super(vocabSize, blockSize);
        this.context = context;
        this.dim = dim;
        this.embedding = module("embedding", new Embedding(vocabSize + 1, dim, rng));
        this.hidden = module("hidden", new Linear(context * dim, hiddenSize, true, rng));
        this.output = module("output", new Linear(hiddenSize, vocabSize, true, rng));
    }

    @Override
    public Tensor forward(int[] tokens, int batch, int time) {
        // ids[(b·T + t)·n + k] = the token k − n + 1 places before position t, or the padding id V.
        int[] ids = new int[batch * time * context];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) {
                for (int k = 0; k < context; k++) {
                    int src = t - context + 1 + k;
                    ids[((b * time) + t) * context + k] = src < 0 ? vocabSize() : tokens[b * time + src];
                }
            }
        }
        Tensor x = embedding.forward(ids, batch * time, context).reshape(batch * time, context * dim);
        return output.forward(hidden.forward(x).tanh()).reshape(batch, time, vocabSize());
    }
}
