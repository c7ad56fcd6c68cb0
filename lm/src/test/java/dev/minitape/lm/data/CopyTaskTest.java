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
        // 4 + 16 + 64 + 256 sequences; room to hold out 0 + 1 + 6 + 25 of them
        CopyTask task = new CopyTask(CopyTask.Kind.COPY, 4, 1, 4, 20, 7);
        Set<String> held = new HashSet<>();
        for (int[] s : task.heldOut()) held.add(Arrays.toString(s));
        assertEquals(20, held.size());
        Rng rng = new Rng(8);
        for (int k = 0; k < 50; k++) {
            CopyTask.Batch b = task.trainBatch(8, rng);
            for (int i = 0; i < 8; i++) {
                int[] row = Arrays.copyOfRange(b.src(), i * b.srcLen(), (i + 1) * b.srcLen());
                int len = 0;
                while (len < row.length && row[len] != 0) len++;
                assertFalse(held.contains(Arrays.toString(Arrays.copyOf(row, len))));
                assertTrue(len >= 1 && len <= 4);
            }
        }
    }

    @Test
    void theHeldOutSetTakesAtMostATenthOfEachLength() {
        CopyTask task = new CopyTask(CopyTask.Kind.COPY, 4, 1, 4, 1000, 3);
        int[] perLength = new int[5];
        for (int[] s : task.heldOut()) perLength[s.length]++;
        assertArrayEquals(new int[] {0, 0, 1, 6, 25}, perLength);
    }

    @Test
    void aSpaceTooSmallToHoldAnythingOutIsExplained() {
        // 2 + 4 + 8 sequences: a tenth of each length rounds down to none
        var e = assertThrows(IllegalArgumentException.class, () -> new CopyTask(CopyTask.Kind.COPY, 2, 1, 3, 10, 1));
        assertTrue(e.getMessage().contains("--vocab or --max-len"), e.getMessage());
        assertEquals(0, new CopyTask(CopyTask.Kind.COPY, 2, 1, 3, 0, 1).heldOut().size());
    }

    @Test
    void badLengthsAreExplained() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CopyTask(CopyTask.Kind.COPY, 10, 5, 2, 0, 1));
        assertTrue(e.getMessage().contains("--min-len"), e.getMessage());
    }
}
