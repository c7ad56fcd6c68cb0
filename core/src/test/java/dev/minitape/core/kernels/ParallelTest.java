package dev.minitape.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The loop runner: every index once, failures reach the caller, nested loops run, the team survives. */
class ParallelTest {

    /** Runs {@code check} with the kernels on {@code threads} threads, then restores the setting. */
    private static void withThreads(int threads, Runnable check) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            check.run();
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void everyIndexRunsOnceForAnyThreadCount() {
        for (int threads : new int[] {1, 2, 3, 4}) {
            withThreads(threads, () -> {
                for (int n : new int[] {0, 1, 2, 7, 1000}) {
                    int[] hits = new int[n];
                    for (int rep = 0; rep < 50; rep++) Parallel.forRange(n, 1, (from, to) -> {
                        for (int i = from; i < to; i++) hits[i]++;
                    });
                    int[] fifty = new int[n];
                    java.util.Arrays.fill(fifty, 50);
                    assertArrayEquals(fifty, hits, "threads " + Parallel.threads() + ", n " + n);
                }
            });
        }
    }

    @Test
    void aFailureInAnyChunkReachesTheCallerAndTheThreadsCarryOn() {
        withThreads(2, () -> {
            for (int failing : new int[] {0, 999}) {                 // the caller's chunk, then a kernel thread's
                var e = assertThrows(IllegalArgumentException.class, () -> Parallel.forRange(1000, 1, (from, to) -> {
                    if (from <= failing && failing < to) throw new IllegalArgumentException("index " + failing);
                }));
                assertEquals("index " + failing, e.getMessage());
            }
            AtomicInteger sum = new AtomicInteger();
            Parallel.forRange(1000, 1, (from, to) -> sum.addAndGet(to - from));
            assertEquals(1000, sum.get());
        });
    }

    @Test
    void aLoopInsideALoopRunsOnItsCaller() {
        withThreads(2, () -> {
            int[] hits = new int[100 * 100];
            Parallel.forRange(100, 1, (from, to) -> {
                for (int r = from; r < to; r++) {
                    int row = r;
                    Parallel.forRange(100, 1, (f, t) -> {
                        for (int c = f; c < t; c++) hits[row * 100 + c]++;
                    });
                }
            });
            for (int h : hits) assertEquals(1, h);
        });
    }
}
