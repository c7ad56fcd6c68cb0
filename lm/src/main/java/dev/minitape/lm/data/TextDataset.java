package dev.minitape.lm.data;

import dev.minitape.core.Rng;

/**
 * Training and validation tokens, served as random windows of blockSize + 1 tokens: a window's first T
 * tokens are the inputs, its last T the targets. Either one text split into training (the first 90%) and
 * validation (the last 10%) tokens, or two texts. The tokens are not copied: in memory (two bytes each when
 * V ≤ 65,536) or a token file on disk.
 */
public final class TextDataset {
    private final TokenArray train, validation;
    private final int vocabSize;

    /** Splits {@code tokens} at 90%. Both parts must hold at least one window of blockSize + 1 tokens. */
    public TextDataset(int[] tokens, int vocabSize, int blockSize) {
        this(TokenArray.of(tokens, vocabSize), vocabSize, blockSize);
    }

    public TextDataset(TokenArray tokens, int vocabSize, int blockSize) {
        int cut = (int) (tokens.size() * 0.9);
        this.train = tokens.slice(0, cut);
        this.validation = tokens.slice(cut, tokens.size());
        this.vocabSize = vocabSize;
        int need = blockSize + 1;
        if (validation.size() < need) {
            throw new IllegalArgumentException("the text has " + tokens.size() + " tokens: too short for a block of "
                    + blockSize + " (the last 10% used for validation needs at least " + need
                    + " tokens, so the text needs about " + (need * 10) + "); use a longer text or a smaller --block-size");
        }
    }

    /** All of {@code train} for training, all of {@code validation} for validation; each needs a window. */
    public TextDataset(TokenArray train, TokenArray validation, int vocabSize, int blockSize) {
        this.train = train;
        this.validation = validation;
        this.vocabSize = vocabSize;
        int need = blockSize + 1;
        if (train.size() < need || validation.size() < need) {
            throw new IllegalArgumentException("the training text has " + train.size() + " tokens and the validation text "
                    + validation.size() + ": each needs at least " + need + " for a block of " + blockSize
                    + "; use longer texts or a smaller --block-size");
        }
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int trainTokens() {
        return train.size();
    }

    /** How many times each token id occurs among the training tokens (what class weights are computed from). */
    public long[] trainCounts() {
        long[] counts = new long[vocabSize];
        int[] block = new int[1 << 16];
        for (int from = 0; from < train.size(); from += block.length) {
            int len = Math.min(block.length, train.size() - from);
            train.copy(from, block, 0, len);
            for (int i = 0; i < len; i++) counts[block[i]]++;
        }
        return counts;
    }

    public int validationTokens() {
        return validation.size();
    }

    /** B random training windows, from {@code rng}. */
    public Batch trainBatch(int batchSize, int blockSize, Rng rng) {
        return sample(train, batchSize, blockSize, rng);
    }

    /** B random validation windows, from {@code rng}. */
    public Batch validationBatch(int batchSize, int blockSize, Rng rng) {
        return sample(validation, batchSize, blockSize, rng);
    }

    /** Windows inside {@code tokens}. */
    private static Batch sample(TokenArray tokens, int batchSize, int blockSize, Rng rng) {
        int starts = tokens.size() - blockSize;
        if (starts < 1) {
            throw new IllegalArgumentException("TextDataset: " + tokens.size() + " tokens cannot fill a window of "
                    + (blockSize + 1));
        }
        int[] x = new int[batchSize * blockSize], y = new int[batchSize * blockSize];
        for (int b = 0; b < batchSize; b++) {
            int at = rng.nextInt(starts);
            tokens.copy(at, x, b * blockSize, blockSize);
            tokens.copy(at + 1, y, b * blockSize, blockSize);
        }
        return new Batch(x, y, batchSize, blockSize);
    }
}
