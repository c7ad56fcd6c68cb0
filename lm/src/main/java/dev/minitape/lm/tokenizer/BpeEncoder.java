package dev.minitape.lm.tokenizer;

/**
 * Applies learned merges to new bytes, with the result training would give: the lowest-rank merge
 * present is applied first, at all its occurrences from left to right, then the next, and so on.
 *
 * <p>Rather than rescanning the text once per merge, a min-heap holds candidate merges as
 * {@code rank·2³² + position} (lowest rank first, leftmost first within a rank) over a doubly linked list
 * of positions. A popped candidate is applied if the pair at its position still has that rank (lazy
 * invalidation), and then the two new neighbouring pairs become candidates. A merge of rank r creates
 * token 256 + r, and only later merges can use that token, so new candidates always rank after r and
 * the heap order is exactly the merge order: O(n log n) for n bytes.
 */
final class BpeEncoder {
    private BpeEncoder() {}

    /** The tokens of {@code bytes} under merges whose ranks are in {@code ranks} (pair key → rank). */
    static int[] encode(byte[] bytes, LongIntMap ranks) {
        int n = bytes.length;
        if (n == 0) return new int[0];
        int[] tok = new int[n], prev = new int[n], next = new int[n];
        for (int i = 0; i < n; i++) {
            tok[i] = bytes[i] & 0xFF;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongMinHeap heap = new LongMinHeap(n);
        for (int i = 0; i + 1 < n; i++) offer(heap, ranks, tok, i, i + 1);
        int count = n;
        while (!heap.isEmpty()) {
            long candidate = heap.pop();
            int rank = (int) (candidate >>> 32), i = (int) candidate;
            if (tok[i] < 0) continue;                               // merged away as a right half
            int j = next[i];
            if (j < 0 || ranks.get(ByteBpeTokenizer.pairKey(tok[i], tok[j])) != rank) continue;   // stale
            tok[i] = ByteBpeTokenizer.BYTE_TOKENS + rank;
            tok[j] = -1;
            int q = next[j];
            next[i] = q;
            if (q >= 0) prev[q] = i;
            count--;
            if (prev[i] >= 0) offer(heap, ranks, tok, prev[i], i);
            if (q >= 0) offer(heap, ranks, tok, i, q);
        }
        int[] out = new int[count];
        for (int i = 0, k = 0; i >= 0; i = next[i]) out[k++] = tok[i];
        return out;
    }

    private static void offer(LongMinHeap heap, LongIntMap ranks, int[] tok, int i, int j) {
        int rank = ranks.get(ByteBpeTokenizer.pairKey(tok[i], tok[j]));
        if (rank >= 0) heap.push(((long) rank << 32) | i);
    }
}
