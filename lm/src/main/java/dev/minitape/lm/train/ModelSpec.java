package dev.minitape.lm.train;

import dev.minitape.core.Rng;
import dev.minitape.lm.model.BigramLm;
import dev.minitape.lm.model.Gpt;
import dev.minitape.lm.model.GptConfig;
import dev.minitape.lm.model.LanguageModel;
import dev.minitape.lm.model.MlpLm;

/**
 * Which model and its sizes: what config.json records so a checkpoint can be rebuilt. An mlp reads
 * {@code context} tokens, embeds each in nEmbd values and has {@code hidden} units. Build one with
 * {@link #builder()}; an invalid spec is an IllegalArgumentException naming the field.
 */
public record ModelSpec(ModelKind kind, int vocabSize, int blockSize, int nLayer, int nHead, int nEmbd, float dropout,
                        int context, int hidden) {
    public ModelSpec {
        if (kind == null) throw new IllegalArgumentException("ModelSpec.kind must be bigram, mlp or gpt, got null");
        positive("vocabSize", vocabSize);
        positive("blockSize", blockSize);
        if (kind == ModelKind.GPT) new GptConfig(vocabSize, blockSize, nLayer, nHead, nEmbd, dropout);   // validates
        if (kind == ModelKind.MLP) {
            positive("context", context);
            positive("nEmbd", nEmbd);
            positive("hidden", hidden);
        }
    }

    private static void positive(String field, int value) {
        if (value <= 0) throw new IllegalArgumentException("ModelSpec." + field + " must be positive, got " + value);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A fresh model initialized from {@code rng}. */
    public LanguageModel build(Rng rng) {
        return switch (kind) {
            case BIGRAM -> new BigramLm(vocabSize, blockSize);
            case MLP -> new MlpLm(vocabSize, blockSize, context, nEmbd, hidden, rng);
            case GPT -> new Gpt(new GptConfig(vocabSize, blockSize, nLayer, nHead, nEmbd, dropout), rng);
        };
    }

    /**
     * Named sizes with the CLI's defaults: a GPT of 2 layers, 4 heads, width 64 and context 64, no dropout;
     * an mlp reads 3 tokens and has 4·nEmbd hidden units unless told otherwise. The vocabulary has no default.
     */
    public static final class Builder {
        private ModelKind kind = ModelKind.GPT;
        private int vocabSize, blockSize = 64, nLayer = 2, nHead = 4, nEmbd = 64, context = 3;
        private Integer hidden;
        private float dropout;

        private Builder() {}

        public Builder kind(ModelKind kind) {
            this.kind = kind;
            return this;
        }

        public Builder vocabSize(int vocabSize) {
            this.vocabSize = vocabSize;
            return this;
        }

        public Builder blockSize(int blockSize) {
            this.blockSize = blockSize;
            return this;
        }

        public Builder nLayer(int nLayer) {
            this.nLayer = nLayer;
            return this;
        }

        public Builder nHead(int nHead) {
            this.nHead = nHead;
            return this;
        }

        public Builder nEmbd(int nEmbd) {
            this.nEmbd = nEmbd;
            return this;
        }

        public Builder dropout(float dropout) {
            this.dropout = dropout;
            return this;
        }

        public Builder context(int context) {
            this.context = context;
            return this;
        }

        public Builder hidden(int hidden) {
            this.hidden = hidden;
            return this;
        }

        public ModelSpec build() {
            return new ModelSpec(kind, vocabSize, blockSize, nLayer, nHead, nEmbd, dropout, context,
                    hidden != null ? hidden : 4 * nEmbd);
        }
    }
}
