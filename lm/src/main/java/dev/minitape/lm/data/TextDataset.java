package dev.minitape.lm.data;

import dev.minitape.core.Rng;

/**
 * A tokenized text split into training (the first 90%) and validation (the last 10%) tokens, served as
 * random windows of blockSize + 1 tokens: a window's first T tokens are the inputs, its last T the
 * targets. The tokens are stored once, two bytes each when the vocabulary allows (V ≤ 65,536).
 */
public final class TextDataset {
    private final TokenArray tokens;
    private final int cut;                        // tokens [0, cut) train, [cut, size) validate
    private final int vocabSize;

    /** Splits {@code tokens} at 90%. Both parts must hold at least one window of blockSize + 1 tokens. */
    public TextDataset(int[] tokens, int vocabSize, int blockSize) {
        this(TokenArray.of(tokens, vocabSize), vocabSize, blockSize);
    }

    public TextDataset(TokenArray tokens, int vocabSize, int blockSize) {
        this.tokens = tokens;
        this.cut = (int) (tokens.size() * 0.9);
        this.vocabSize = vocabSize;
        int need = blockSize + 1;
        if (tokens.size() - cut < need) {
            throw new IllegalArgumentException("the text has " + tokens.size() + " tokens: too short for a block of "
                    + blockSize + " (the last 10% used for validation needs at least " + need
                    + " tokens, so the text needs about " + (need * 10) + "); use a longer text or a smaller --block-size");
        }
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int trainTokens() {
        return cut;
    }

    /** How many times each token id occurs among the training tokens (what class weights are computed from). */
    public long[] trainCounts() {
        long[] counts = new long[vocabSize];
        for (int i = 0; i < cut; i++) counts[tokens.get(i)]++;
        return counts;
    }

    public int validationTokens() {
        return tokens.size() - cut;
    }

    /** B random training windows, from {@code rng}. */
    public Batch trainBatch(int batchSize, int blockSize, Rng rng) {
        return sample(0, cut, batchSize, blockSize, rng);
    }

    /** B random validation windows, from {@code rng}. */
    public Batch validationBatch(int batchSize, int blockSize, Rng rng) {
        return sample(cut, tokens.size(), batchSize, blockSize, rng);
    }

    /** Windows inside tokens [from, to). */
    private Batch sample(int from, int to, int batchSize, int blockSize, Rng rng) {
        int starts = to - from - blockSize;
        if (starts < 1) {
            throw new IllegalArgumentException("TextDataset: " + (to - from) + " tokens cannot fill a window of "
                    + (blockSize + 1));
        }
        int[] x = new int[batchSize * blockSize], y = new int[batchSize * blockSize];
        for (int b = 0; b < batchSize; b++) {
            int at = from + rng.nextInt(starts);
            tokens.copy(at, x, b * blockSize, blockSize);
            tokens.copy(at + 1, y, b * blockSize, blockSize);
        }
        return new Batch(x, y, batchSize, blockSize);
    }
}
