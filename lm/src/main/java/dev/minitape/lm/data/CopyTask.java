package dev.minitape.lm.data;

import dev.minitape.core.Rng;
import dev.minitape.lm.model.Seq2SeqTransformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Random sequences over K symbols (ids 3..K+2, after PAD, BOS, EOS) with lengths uniform in
 * [minLen, maxLen], and their targets: the same sequence (copy), reversed, or sorted. A fixed held-out
 * set of distinct sequences is drawn first; the training stream never yields one of them. So that
 * training still sees every length, the held-out set takes at most 10% of the K^L sequences of any
 * length L (none of length 1 when K < 10): with K = 10, one of the ten sequences of length 1.
 */
public final class CopyTask {
    public enum Kind { COPY, REVERSE, SORT }

    /** A padded batch: source (B, S), decoder input BOS + target (B, T), decoder output target + EOS (B, T). */
    public record Batch(int[] src, int srcLen, int[] tgtIn, int[] tgtOut, int tgtLen, int size) {}

    private final Kind kind;
    private final int symbols, minLen, maxLen;
    private final List<int[]> heldOut = new ArrayList<>();
    private final Set<String> heldOutKeys = new HashSet<>();

    public CopyTask(Kind kind, int symbols, int minLen, int maxLen, int heldOutSize, long seed) {
        if (symbols <= 0) throw new IllegalArgumentException("--vocab must be positive, got " + symbols);
        if (minLen <= 0 || maxLen < minLen) {
            throw new IllegalArgumentException("lengths must satisfy 1 <= --min-len <= --max-len, got " + minLen + " and " + maxLen);
        }
        if (heldOutSize < 0) throw new IllegalArgumentException("--held-out must be at least 0, got " + heldOutSize);
        // a length L may give ⌊K^L / 10⌋ held-out sequences: none at all unless K^maxLen ≥ 10
        if (heldOutSize > 0 && Math.pow(symbols, maxLen) < 10) {
            throw new IllegalArgumentException("lengths " + minLen + ".." + maxLen + " over " + symbols + " symbols are too few"
                    + " sequences to hold any out (at most a tenth of each length's " + symbols + "^L): use a larger --vocab or --max-len");
        }
        this.kind = kind;
        this.symbols = symbols;
        this.minLen = minLen;
        this.maxLen = maxLen;
        Rng rng = new Rng(seed ^ 0x4E1DL);
        int[] perLength = new int[maxLen + 1];
        for (int tries = 0; heldOut.size() < heldOutSize && tries < 100 * heldOutSize; tries++) {
            int[] s = draw(rng);
            String key = Arrays.toString(s);
            if (perLength[s.length] >= Math.floor(Math.pow(symbols, s.length) / 10) || !heldOutKeys.add(key)) continue;
            perLength[s.length]++;
            heldOut.add(s);
        }
    }

    /** The vocabulary: PAD, BOS, EOS and the symbols. */
    public int vocabSize() {
        return Seq2SeqTransformer.SPECIALS + symbols;
    }

    public int maxLen() {
        return maxLen;
    }

    private int[] draw(Rng rng) {
        int len = minLen + rng.nextInt(maxLen - minLen + 1);
        int[] s = new int[len];
        for (int i = 0; i < len; i++) s[i] = Seq2SeqTransformer.SPECIALS + rng.nextInt(symbols);
        return s;
    }

    /** The target sequence for a source (without BOS or EOS). */
    public int[] target(int[] src) {
        int[] t = src.clone();
        switch (kind) {
            case COPY -> { }
            case REVERSE -> {
                for (int i = 0; i < t.length / 2; i++) {
                    int tmp = t[i];
                    t[i] = t[t.length - 1 - i];
                    t[t.length - 1 - i] = tmp;
                }
            }
            case SORT -> Arrays.sort(t);
        }
        return t;
    }

    /** B training sequences drawn from {@code rng}, none of them in the held-out set. */
    public Batch trainBatch(int size, Rng rng) {
        List<int[]> seqs = new ArrayList<>();
        while (seqs.size() < size) {
            int[] s = draw(rng);
            if (!heldOutKeys.contains(Arrays.toString(s))) seqs.add(s);
        }
        return batch(seqs);
    }

    /**
     * How many times each token id is a decoder target (a symbol or EOS; never PAD or BOS) in {@code sequences}
     * training sequences drawn from {@code rng}: the training stream's class frequencies, estimated.
     */
    public long[] targetCounts(int sequences, Rng rng) {
        long[] counts = new long[vocabSize()];
        for (int i = 0; i < sequences; i++) {
            for (int id : trainBatch(1, rng).tgtOut()) counts[id]++;          // one sequence: no padding
        }
        return counts;
    }

    public List<int[]> heldOut() {
        return List.copyOf(heldOut);
    }

    /** Pads sources and targets with PAD to the longest in the batch. */
    public Batch batch(List<int[]> sources) {
        int b = sources.size(), s = 0, t = 0;
        for (int[] src : sources) s = Math.max(s, src.length);
        t = s + 1;                                   // BOS + target, or target + EOS
        int[] src = new int[b * s], in = new int[b * t], out = new int[b * t];
        for (int i = 0; i < b; i++) {
            int[] x = sources.get(i), y = target(x);
            System.arraycopy(x, 0, src, i * s, x.length);
            in[i * t] = Seq2SeqTransformer.BOS;
            System.arraycopy(y, 0, in, i * t + 1, y.length);
            System.arraycopy(y, 0, out, i * t, y.length);
            out[i * t + y.length] = Seq2SeqTransformer.EOS;
        }
        return new Batch(src, s, in, out, t, b);
    }
}
