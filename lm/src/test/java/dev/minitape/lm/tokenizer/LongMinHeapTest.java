package dev.minitape.lm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The encoder's queue of candidate merges: the smallest value first, growing past its first capacity. */
class LongMinHeapTest {

    @Test
    void popsValuesInAscendingOrderDuplicatesIncluded() {
        LongMinHeap heap = new LongMinHeap(8);
        long[] values = {5L << 32 | 3, 7, 5L << 32 | 1, 7, 0, 1L << 32};
        for (long v : values) heap.push(v);
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        for (long v : sorted) assertEquals(v, heap.pop());
        assertTrue(heap.isEmpty());
    }

    @Test
    void growsPastItsInitialCapacity() {
        // The encoder sizes the heap by the text's length, and a text's merges can push more candidates than that.
        LongMinHeap heap = new LongMinHeap(0);
        Random random = new Random(5);
        long[] values = new long[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) random.nextInt(50) << 32 | random.nextInt(100);
            heap.push(values[i]);
        }
        Arrays.sort(values);
        for (long v : values) assertEquals(v, heap.pop());
        assertTrue(heap.isEmpty());
    }
}
