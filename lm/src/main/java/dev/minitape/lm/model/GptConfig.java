package dev.minitape.lm.model;

/** A GPT's sizes: vocabulary V, context T, layers, heads, width C (divisible by heads), dropout. */
public record GptConfig(int vocabSize, int blockSize, int nLayer, int nHead, int nEmbd, float dropout) {
    public GptConfig {
        positive("vocab size", vocabSize);
        positive("block size", blockSize);
        positive("number of layers", nLayer);
        positive("number of heads", nHead);
        positive("embedding width", nEmbd);
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("GPT: the embedding width " + nEmbd + " is not divisible by the number of heads "
                    + nHead + " (each head gets nEmbd / nHead channels)");
        }
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("GPT: dropout must be in [0, 1), got " + dropout);
    }

    private static void positive(String what, int value) {
        if (value <= 0) throw new IllegalArgumentException("GPT: the " + what + " must be positive, got " + value);
    }
}
