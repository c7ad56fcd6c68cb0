package dev.minitape.lm.data;

/**
 * A batch of B windows of T tokens: inputs x and next-token targets y, both row-major (B, T), where
 * y[b, t] = x[b, t + 1] within the source text.
 */
public record Batch(int[] x, int[] y, int batchSize, int blockSize) {
    public Batch {
        if (x.length != batchSize * blockSize || y.length != x.length) {
            throw new IllegalArgumentException("Batch: " + x.length + " inputs and " + y.length + " targets for B="
                    + batchSize + ", T=" + blockSize);
        }
    }
}
