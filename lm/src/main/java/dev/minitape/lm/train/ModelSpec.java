package dev.minitape.lm.train;

import dev.minitape.core.Rng;
import dev.minitape.lm.model.BigramLm;
import dev.minitape.lm.model.Gpt;
import dev.minitape.lm.model.GptConfig;
import dev.minitape.lm.model.LanguageModel;
import dev.minitape.lm.model.MlpLm;
import java.util.Set;

/**
 * Which model and its sizes: what config.json records so a checkpoint can be rebuilt.
 * kind is bigram, mlp (context tokens, embedding width nEmbd, hidden units) or gpt.
 */
public record ModelSpec(String kind, int vocabSize, int blockSize, int nLayer, int nHead, int nEmbd, float dropout,
                        int context, int hidden) {
    public static final Set<String> KINDS = Set.of("bigram", "mlp", "gpt");

    public ModelSpec {
        if (!KINDS.contains(kind)) throw new IllegalArgumentException("--model must be bigram, mlp or gpt, got '" + kind + "'");
        if (vocabSize <= 0 || blockSize <= 0) {
            throw new IllegalArgumentException("vocabulary and block size must be positive, got " + vocabSize + " and " + blockSize);
        }
        if (kind.equals("gpt")) new GptConfig(vocabSize, blockSize, nLayer, nHead, nEmbd, dropout);   // validates
        if (kind.equals("mlp") && (context <= 0 || nEmbd <= 0 || hidden <= 0)) {
            throw new IllegalArgumentException("mlp model sizes must be positive, got context " + context + ", width "
                    + nEmbd + ", hidden " + hidden);
        }
    }

    public static ModelSpec gpt(GptConfig c) {
        return new ModelSpec("gpt", c.vocabSize(), c.blockSize(), c.nLayer(), c.nHead(), c.nEmbd(), c.dropout(), 0, 0);
    }

    /**
     * The number of learned values the model will have (a tied weight counted once), computed without
     * building it: a loader checks it against the weights file before allocating anything.
     */
    public long parameterCount() {
        // In double: a hand-edited config may hold sizes whose products overflow a long.
        double v = vocabSize, t = blockSize, c = nEmbd, h = hidden;
        double count = switch (kind) {
            case "bigram" -> v * v;
            case "mlp" -> (v + 1) * c + (context * c) * h + h + h * v + v;
            // wte, wpe, per block: ln1, qkv, proj, ln2, fc, proj; then ln_f. The head is wte.
            default -> v * c + t * c + nLayer * (2 * c + 3 * c * c + 3 * c + c * c + c + 2 * c + 4 * c * c + 4 * c + 4 * c * c + c) + 2 * c;
        };
        return count >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) count;
    }

    /** A fresh model initialized from {@code rng}. */
    public LanguageModel build(Rng rng) {
        return switch (kind) {
            case "bigram" -> new BigramLm(vocabSize, blockSize);
            case "mlp" -> new MlpLm(vocabSize, blockSize, context, nEmbd, hidden, rng);
            default -> new Gpt(new GptConfig(vocabSize, blockSize, nLayer, nHead, nEmbd, dropout), rng);
        };
    }
}
