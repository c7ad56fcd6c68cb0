package dev.minitape.lm.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * Byte-level BPE training with incremental pair counts, so each merge costs time in proportion to the
 * occurrences it touches, not to the corpus.
 *
 * <p>The rule: the corpus starts as one token per byte. Repeatedly, the most frequent adjacent pair
 * {@code (left, right)} — counting every adjacent position, so "aaa" holds (a, a) twice — becomes a new
 * token, numbered 256, 257, ... in merge order. Ties go to the smallest {@code (left, right)}, compared
 * left first. Occurrences are replaced from left to right, so "aaa" becomes (aa, a). Training stops at
 * the requested number of merges, or earlier when no pair occurs twice.
 *
 * <p>The bookkeeping:
 * <ul>
 *   <li>the corpus is a doubly linked list over byte positions ({@code tok}, {@code prev}, {@code next});
 *       a token lives at the position of its first byte, and a merge unlinks the right one;</li>
 *   <li>each distinct pair has its exact count and a list of positions where it has occurred (entries go
 *       stale when a neighbour merges, and are checked against the list before use);</li>
 *   <li>a {@link PairHeap} orders pairs by (count desc, pair asc), with lazy invalidation: every pair
 *       whose count changes is pushed again, and popped entries whose count is out of date are
 *       skipped.</li>
 * </ul>
 * Merging (A, B) into Z at position i, with p before i and q after B: the pairs (p, A) and (B, q) lose
 * an occurrence and (p, Z) and (Z, q) gain one. Every new pair contains Z, so no pair merged now is
 * created again later, and within one merge a pair's count only goes down or only goes up.
 */
final class BpeTrainer {

    /** Merge r made token 256 + r from {@code (lefts[r], rights[r])}; {@code tokens} is the corpus as it ended. */
    record Result(int[] lefts, int[] rights, int[] tokens) {}

    /** One adjacent pair: its exact count and the positions where it has occurred (some stale). */
    private static final class Pair {
        final long key;
        int count;
        int[] positions = new int[4];
        int size;
        int touched = -1;                                  // the last merge that changed the count

        Pair(long key) {
            this.key = key;
        }

        void add(int position) {
            if (size == positions.length) positions = Arrays.copyOf(positions, size * 2);
            positions[size++] = position;
            count++;
        }
    }

    private final int[] tok;                               // token at each position; -1 once merged away
    private final int[] prev;
    private final int[] next;
    private final HashMap<Long, Pair> pairs = new HashMap<>();
    private final PairHeap heap = new PairHeap();
    private final List<Pair> changed = new ArrayList<>();

    private BpeTrainer(byte[] corpus) {
        int n = corpus.length;
        tok = new int[n];
        prev = new int[n];
        next = new int[n];
        for (int i = 0; i < n; i++) {
            tok[i] = corpus[i] & 0xFF;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
    }

    /** Learns up to {@code merges} merges from {@code corpus}. */
    static Result train(byte[] corpus, int merges) {
        return new BpeTrainer(corpus).run(merges);
    }

    private Result run(int merges) {
        for (int i = 0; i + 1 < tok.length; i++) pair(tok[i], tok[i + 1]).add(i);
        for (Pair p : pairs.values()) heap.push(p.count, p.key);
        int[] lefts = new int[merges];
        int[] rights = new int[merges];
        int made = 0;
        while (made < merges) {
            Pair best = popBest();
            if (best == null || best.count < 2) break;
            lefts[made] = (int) (best.key >>> 32);
            rights[made] = (int) best.key;
            merge(best, ByteBpeTokenizer.BYTE_TOKENS + made, made);
            made++;
        }
        return new Result(Arrays.copyOf(lefts, made), Arrays.copyOf(rights, made), remainingTokens());
    }

    /** The pair with the largest count (smallest pair among ties), or null if no pair is left. */
    private Pair popBest() {
        while (!heap.isEmpty()) {
            int count = heap.topCount();
            Pair p = pairs.get(heap.topKey());
            heap.pop();
            if (p != null && p.count == count) return p;   // otherwise a stale entry
        }
        return null;
    }

    /** Replaces every occurrence of {@code best}, left to right, by token {@code z}. */
    private void merge(Pair best, int z, int stamp) {
        int a = (int) (best.key >>> 32), b = (int) best.key;
        pairs.remove(best.key);                            // every occurrence goes now
        Arrays.sort(best.positions, 0, best.size);          // left to right: "aaa" → (aa, a)
        for (int k = 0; k < best.size; k++) {
            int i = best.positions[k];
            if (tok[i] != a) continue;                      // stale: merged away, or merged into a new token
            int j = next[i];
            if (j < 0 || tok[j] != b) continue;             // stale: the right neighbour changed
            int p = prev[i], q = next[j];
            if (p >= 0) decrement(tok[p], a, stamp);
            if (q >= 0) decrement(b, tok[q], stamp);
            tok[i] = z;                                     // Z lives where A did; B's position leaves the list
            tok[j] = -1;
            next[i] = q;
            if (q >= 0) prev[q] = i;
            if (p >= 0) increment(tok[p], z, p, stamp);
            if (q >= 0) increment(z, tok[q], i, stamp);
        }
        for (Pair p : changed) {
            if (p.count > 0) heap.push(p.count, p.key);
            else pairs.remove(p.key);                       // no occurrence left: forget it
        }
        changed.clear();
    }

    private void decrement(int left, int right, int stamp) {
        Pair p = pairs.get(ByteBpeTokenizer.pairKey(left, right));
        if (p == null) return;                              // the pair being merged (when A == B): already gone
        p.count--;
        touch(p, stamp);
    }

    private void increment(int left, int right, int position, int stamp) {
        Pair p = pair(left, right);
        p.add(position);
        touch(p, stamp);
    }

    private void touch(Pair p, int stamp) {
        if (p.touched != stamp) {
            p.touched = stamp;
            changed.add(p);
        }
    }

    private Pair pair(int left, int right) {
        return pairs.computeIfAbsent(ByteBpeTokenizer.pairKey(left, right), Pair::new);
    }

    private int[] remainingTokens() {
        if (tok.length == 0) return new int[0];
        int count = 0;
        for (int i = 0; i >= 0; i = next[i]) count++;
        int[] out = new int[count];
        for (int i = 0, k = 0; i >= 0; i = next[i]) out[k++] = tok[i];
        return out;
    }
}
