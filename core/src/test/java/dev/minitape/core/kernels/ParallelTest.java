package dev.minitape.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The loop runner: every index once, on as many threads as set, failures reach the caller as they were thrown, nested
 * loops run, the team survives a failure and is replaced, its threads ended, when the count changes.
 */
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

    @Test
    void fewerThanOneThreadIsRejected() {
        int before = Parallel.threads();
        var e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertEquals("threads must be at least 1, got 0", e.getMessage());
        assertEquals(before, Parallel.threads());
    }

    /** The threads that ran the chunks of one loop over 1000 indices. */
    private static Set<Thread> threadsOfOneLoop() {
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        Parallel.forRange(1000, 1, (from, to) -> ran.add(Thread.currentThread()));
        return ran;
    }

    @Test
    void everyLoopWithEnoughWorkRunsOnAsManyThreadsAsSet() {
        for (int threads : new int[] {2, 3, 2, 1}) {
            withThreads(threads, () -> {
                for (int loop = 0; loop < 3; loop++) {                // the first loop starts the team; later ones reuse it
                    Set<Thread> ran = threadsOfOneLoop();
                    assertEquals(threads, ran.size(), threads + " threads, loop " + loop);
                    assertTrue(ran.contains(Thread.currentThread()), "the caller runs a chunk");
                }
                Set<Thread> ran = ConcurrentHashMap.newKeySet();      // too little work per thread: the caller alone
                Parallel.forRange(1000, 600, (from, to) -> ran.add(Thread.currentThread()));
                assertEquals(Set.of(Thread.currentThread()), ran);
            });
        }
    }

    @Test
    void changingTheThreadCountEndsTheOldKernelThreads() {
        withThreads(3, () -> {
            Set<Thread> old = threadsOfOneLoop();
            old.remove(Thread.currentThread());
            assertEquals(2, old.size());
            try {
                Thread.sleep(20);                                     // past their spin: the kernel threads park
                Parallel.setThreads(2);
                for (Thread t : old) t.join(5_000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            for (Thread t : old) assertFalse(t.isAlive(), t + " still runs after the thread count changed");
            assertEquals(1, liveKernelThreadsSettled(1), "one kernel thread beside the caller for 2 threads");
        });
    }

    /** The live kernel threads, waiting up to 5 s for retired ones to finish and the count to become {@code expected}. */
    private static long liveKernelThreadsSettled(long expected) {
        long deadline = System.nanoTime() + 5_000_000_000L, count;
        do {
            threadsOfOneLoop();
            count = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().equals("minitape-kernel")).count();
            if (count == expected) return count;
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        return count;
    }

    @Test
    void anErrorOrACheckedExceptionInAKernelThreadsChunkReachesTheCaller() {
        withThreads(2, () -> {
            AssertionError error = new AssertionError("chunk");
            assertSame(error, assertThrows(AssertionError.class, () -> Parallel.forRange(1000, 1, (from, to) -> {
                if (from > 0) throw error;
            })));
            Exception checked = new java.io.IOException("chunk");
            var e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(1000, 1, (from, to) -> {
                if (from > 0) sneakyThrow(checked);
            }));
            assertSame(checked, e.getCause());
            assertEquals(2, threadsOfOneLoop().size(), "the team carries on");
        });
    }

    /** Throws a checked exception from code that declares none, as a JVM language other than Java may. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
