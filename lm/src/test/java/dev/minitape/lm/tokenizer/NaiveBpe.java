package dev.minitape.lm.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The BPE rule written the slow, obvious way (a full recount per merge, a full rescan per rule), as the
 * reference the fast trainer and encoder are checked against.
 */
final class NaiveBpe {
    private NaiveBpe() {}

    /**
     * Merges until {@code merges} are made or no pair occurs twice: count every adjacent pair (overlaps
     * included), take the largest count, the smallest (left, right) among ties, and replace it left to
     * right by a new token.
     */
    static List<int[]> train(byte[] corpus, int merges, List<Integer> finalTokens) {
        List<Integer> seq = bytes(corpus);
        List<int[]> learned = new ArrayList<>();
        while (learned.size() < merges) {
            java.util.TreeMap<Long, Integer> counts = new java.util.TreeMap<>();
            for (int i = 0; i + 1 < seq.size(); i++) counts.merge(key(seq.get(i), seq.get(i + 1)), 1, Integer::sum);
            long best = -1;
            int bestCount = 1;
            for (var e : counts.entrySet()) {                  // ascending keys: the first maximum is the smallest pair
                if (e.getValue() > bestCount) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            if (best < 0) break;
            int[] pair = {(int) (best >>> 32), (int) best};
            seq = replace(seq, pair, 256 + learned.size());
            learned.add(pair);
        }
        finalTokens.addAll(seq);
        return learned;
    }

    /** Applies each merge in order, over the whole sequence, left to right. */
    static int[] encode(byte[] bytes, int[][] merges) {
        List<Integer> seq = bytes(bytes);
        for (int r = 0; r < merges.length; r++) seq = replace(seq, merges[r], 256 + r);
        return seq.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<Integer> replace(List<Integer> seq, int[] pair, int token) {
        List<Integer> out = new ArrayList<>(seq.size());
        for (int i = 0; i < seq.size(); i++) {
            if (i + 1 < seq.size() && seq.get(i) == pair[0] && seq.get(i + 1) == pair[1]) {
                out.add(token);
                i++;
            } else {
                out.add(seq.get(i));
            }
        }
        return out;
    }

    private static List<Integer> bytes(byte[] bytes) {
        List<Integer> seq = new ArrayList<>(bytes.length);
        for (byte b : bytes) seq.add(b & 0xFF);
        return seq;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | right;
    }
}
