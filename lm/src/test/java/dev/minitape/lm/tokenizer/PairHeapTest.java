package dev.minitape.lm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The trainer's queue: the largest count first and, among equal counts, the smallest pair. */
class PairHeapTest {

    @Test
    void popsTheLargestCountFirstAndTheSmallestPairAmongEqualCounts() {
        PairHeap heap = new PairHeap();
        long ab = ByteBpeTokenizer.pairKey('a', 'b'), ac = ByteBpeTokenizer.pairKey('a', 'c');
        long ba = ByteBpeTokenizer.pairKey('b', 'a'), za = ByteBpeTokenizer.pairKey(256, 'a');
        heap.push(3, ba);
        heap.push(5, za);
        heap.push(3, ac);
        heap.push(1, ab);
        heap.push(5, ab);
        heap.push(3, ab);
        long[][] expected = {{5, ab}, {5, za}, {3, ab}, {3, ac}, {3, ba}, {1, ab}};
        for (long[] entry : expected) {
            assertFalse(heap.isEmpty());
            assertArrayEquals(entry, new long[] {heap.topCount(), heap.topKey()});
            heap.pop();
        }
        assertTrue(heap.isEmpty());
    }

    @Test
    void holdsMoreEntriesThanItStartsWithAndEmptiesCompletely() {
        PairHeap heap = new PairHeap();                         // room for 1024 at first
        Random random = new Random(11);
        List<long[]> entries = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {                        // few distinct counts and pairs: many ties
            long[] entry = {1 + random.nextInt(20), ByteBpeTokenizer.pairKey(random.nextInt(300), random.nextInt(300))};
            entries.add(entry);
            heap.push((int) entry[0], entry[1]);
        }
        entries.sort(Comparator.<long[]>comparingLong(e -> -e[0]).thenComparingLong(e -> e[1]));
        for (long[] entry : entries) {
            assertArrayEquals(entry, new long[] {heap.topCount(), heap.topKey()});
            heap.pop();
        }
        assertTrue(heap.isEmpty());
    }
}
