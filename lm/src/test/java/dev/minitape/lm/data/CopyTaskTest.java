package dev.minitape.lm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CopyTaskTest {

    @Test
    void targetsAreCopiesReversalsOrSortedSources() {
        int[] src = {5, 3, 9, 4};
        assertArrayEquals(src, new CopyTask(CopyTask.Kind.COPY, 10, 1, 5, 0, 1).target(src));
        assertArrayEquals(new int[] {4, 9, 3, 5}, new CopyTask(CopyTask.Kind.REVERSE, 10, 1, 5, 0, 1).target(src));
        assertArrayEquals(new int[] {3, 4, 5, 9}, new CopyTask(CopyTask.Kind.SORT, 10, 1, 5, 0, 1).target(src));
    }

    @Test
    void batchesArePaddedWithBosAndEosInPlace() {
        CopyTask task = new CopyTask(CopyTask.Kind.REVERSE, 10, 1, 5, 0, 1);
        CopyTask.Batch b = task.batch(List.of(new int[] {3, 4, 5}, new int[] {6}));
        assertEquals(3, b.srcLen());
        assertArrayEquals(new int[] {3, 4, 5, 6, 0, 0}, b.src());
        assertArrayEquals(new int[] {1, 5, 4, 3, 1, 6, 0, 0}, b.tgtIn());
        assertArrayEquals(new int[] {5, 4, 3, 2, 6, 2, 0, 0}, b.tgtOut());
    }

    @Test
    void theTrainingStreamNeverYieldsAHeldOutSequence() {
        CopyTask task = new CopyTask(CopyTask.Kind.COPY, 3, 1, 3, 20, 7);   // 39 possible sequences, 20 held out
        Set<String> held = new HashSet<>();
        for (int[] s : task.heldOut()) held.add(Arrays.toString(s));
        Rng rng = new Rng(8);
        for (int k = 0; k < 50; k++) {
            CopyTask.Batch b = task.trainBatch(8, rng);
            for (int i = 0; i < 8; i++) {
                int[] row = Arrays.copyOfRange(b.src(), i * b.srcLen(), (i + 1) * b.srcLen());
                int len = 0;
                while (len < row.length && row[len] != 0) len++;
                assertFalse(held.contains(Arrays.toString(Arrays.copyOf(row, len))));
                assertTrue(len >= 1 && len <= 3);
            }
        }
    }

    @Test
    void badLengthsAreExplained() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CopyTask(CopyTask.Kind.COPY, 10, 5, 2, 0, 1));
        assertTrue(e.getMessage().contains("--min-len"), e.getMessage());
    }
}
