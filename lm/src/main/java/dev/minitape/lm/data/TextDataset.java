package dev.minitape.lm.data;

import dev.minitape.core.Rng;

/**
 * A tokenized text split into training (the first 90%) and validation (the last 10%) tokens, served as
 * random windows of blockSize + 1 tokens: a window's first T tokens are the inputs, its last T the
 * targets.
 */
public final class TextDataset {
    private final int[] train;
    private final int[] validation;
    private final int vocabSize;

    /** Splits {@code tokens} at 90%. Both parts must hold at least one window of blockSize + 1 tokens. */
    public TextDataset(int[] tokens, int vocabSize, int blockSize) {
        int cut = (int) (tokens.length * 0.9);
        this.train = java.util.Arrays.copyOfRange(tokens, 0, cut);
        this.validation = java.util.Arrays.copyOfRange(tokens, cut, tokens.length);
        this.vocabSize = vocabSize;
        int need = blockSize + 1;
        if (validation.length < need) {
            throw new IllegalArgumentException("the text has " + tokens.length + " tokens: too short for a block of "
                    + blockSize + " (the last 10% used for validation needs at least " + need
                    + " tokens, so the text needs about " + (need * 10) + "); use a longer text or a smaller --block-size");
        }
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int trainTokens() {
        return train.length;
    }

    public int validationTokens() {
        return validation.length;
    }

    /** B random training windows, from {@code rng}. */
    public Batch trainBatch(int batchSize, int blockSize, Rng rng) {
        return sample(train, batchSize, blockSize, rng);
    }

    /** B random validation windows, from {@code rng}. */
    public Batch validationBatch(int batchSize, int blockSize, Rng rng) {
        return sample(validation, batchSize, blockSize, rng);
    }

    private static Batch sample(int[] tokens, int batchSize, int blockSize, Rng rng) {
        int starts = tokens.length - blockSize;
        if (starts < 1) {
            throw new IllegalArgumentException("TextDataset: " + tokens.length + " tokens cannot fill a window of "
                    + (blockSize + 1));
        }
        int[] x = new int[batchSize * blockSize], y = new int[batchSize * blockSize];
        for (int b = 0; b < batchSize; b++) {
            int at = rng.nextInt(starts);
            System.arraycopy(tokens, at, x, b * blockSize, blockSize);
            System.arraycopy(tokens, at + 1, y, b * blockSize, blockSize);
        }
        return new Batch(x, y, batchSize, blockSize);
    }
}
