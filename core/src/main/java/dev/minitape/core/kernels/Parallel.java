package dev.minitape.core.kernels;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a loop over independent indices on a fixed number of threads. Kernels split only over indices
 * whose results do not depend on each other (output rows), and every index is computed by the same
 * code whichever thread runs it, so results are bit-identical for any thread count.
 */
public final class Parallel {

    /** The body of a parallel loop: handles indices [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private static volatile int threads = Runtime.getRuntime().availableProcessors();
    private static ExecutorService pool;

    private Parallel() {}

    /** Sets the number of threads kernels use (1 = run on the caller only). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        if (n != threads && pool != null) {
            pool.shutdown();
            pool = null;
        }
        threads = n;
    }

    public static int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over [0, n) in contiguous chunks, one per thread, when the loop has at least
     * {@code minPerThread} indices per thread; otherwise on the caller alone.
     */
    public static void forRange(int n, int minPerThread, Range body) {
        int parts = Math.min(threads, n / Math.max(1, minPerThread));
        if (parts <= 1) {
            body.run(0, n);
            return;
        }
        ExecutorService exec = pool();
        Future<?>[] futures = new Future<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int from = (int) ((long) n * p / parts), to = (int) ((long) n * (p + 1) / parts);
            futures[p - 1] = exec.submit(() -> body.run(from, to));
        }
        body.run(0, (int) ((long) n / parts));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a kernel thread", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) throw re;
                if (cause instanceof Error err) throw err;
                throw new IllegalStateException(cause);
            }
        }
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(Math.max(1, threads - 1), r -> {
                Thread t = new Thread(r, "minitape-kernel");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }
}
