package dev.minitape.core.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a loop over independent indices on a fixed number of threads. Kernels split only over indices
 * whose results do not depend on each other (output rows), and every index is computed by the same
 * code whichever thread runs it, so results are bit-identical for any thread count.
 *
 * <p>A training step runs hundreds of short parallel loops (tens of microseconds each at small sizes), so
 * handing work over must cost far less than that: waking a parked thread took 7–50 µs (median) on the
 * benchmark machine, as much as the loop itself. The kernel threads therefore spin for {@link #SPIN_NANOS}
 * after each loop before they park, and the caller spins while it waits for them. A loop started while
 * another is running (a nested loop, or a second thread of the caller's) runs on its caller alone.
 */
public final class Parallel {

    /** The body of a parallel loop: handles indices [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** How long an idle kernel thread (or a waiting caller) spins before it parks. */
    private static final long SPIN_NANOS = 200_000;

    private static volatile int threads = Runtime.getRuntime().availableProcessors();
    private static volatile Team team;

    private Parallel() {}

    /** Sets the number of threads kernels use (1 = run on the caller only). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        if (n != threads && team != null) {
            team.shutdown();
            team = null;
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
        Team t = parts > 1 ? team() : null;
        if (t == null || !t.busy.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            parts = Math.min(parts, t.workers.length + 1);
            for (int p = 1; p < parts; p++) {
                t.workers[p - 1].post(body, (int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts));
            }
            Throwable failed = null;
            try {
                body.run(0, (int) ((long) n / parts));
            } finally {
                for (int p = 1; p < parts; p++) {                     // even when the caller's chunk threw
                    Throwable f = t.workers[p - 1].await();
                    if (failed == null) failed = f;
                }
            }
            if (failed instanceof RuntimeException re) throw re;
            if (failed instanceof Error err) throw err;
            if (failed != null) throw new IllegalStateException(failed);
        } finally {
            t.busy.set(false);
        }
    }

    /** The kernel threads, started on first use; every parallel loop asks, so the common case takes no lock. */
    private static Team team() {
        Team t = team;
        return t != null ? t : startTeam();
    }

    private static synchronized Team startTeam() {
        if (team == null && threads > 1) team = new Team(threads - 1);
        return team;
    }

    /** The kernel threads and whether a loop is using them. */
    private static final class Team {
        final Worker[] workers;
        final AtomicBoolean busy = new AtomicBoolean();

        Team(int size) {
            workers = new Worker[size];
            for (int i = 0; i < size; i++) {
                workers[i] = new Worker();
                workers[i].start();
            }
        }

        void shutdown() {
            for (Worker w : workers) w.stop = true;
            for (Worker w : workers) LockSupport.unpark(w);
        }
    }

    /**
     * One kernel thread. The caller writes a job's fields, then {@code posted}; the worker runs it and
     * writes {@code finished}: the volatile pair orders the job's data both ways.
     */
    private static final class Worker extends Thread {
        private Range body;
        private int from, to;
        private Throwable failure;
        private volatile long posted, finished;
        private volatile boolean parked, stop;

        Worker() {
            super("minitape-kernel");
            setDaemon(true);
        }

        void post(Range body, int from, int to) {
            this.body = body;
            this.from = from;
            this.to = to;
            posted = posted + 1;
            if (parked) LockSupport.unpark(this);
        }

        /** Waits until the posted job is done; returns what it threw, or null. */
        Throwable await() {
            long target = posted, spinEnd = System.nanoTime() + SPIN_NANOS;
            while (finished != target) {
                if (System.nanoTime() < spinEnd) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(20_000);
                }
            }
            Throwable f = failure;
            failure = null;
            return f;
        }

        @Override
        public void run() {
            long done = 0;
            while (!stop) {
                long spinEnd = System.nanoTime() + SPIN_NANOS;
                while (posted == done && !stop) {
                    if (System.nanoTime() < spinEnd) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (posted == done && !stop) LockSupport.park(this);
                        parked = false;
                    }
                }
                if (stop) return;
                done = posted;
                try {
                    body.run(from, to);
                } catch (Throwable t) {
                    failure = t;
                }
                body = null;
                finished = done;
            }
        }
    }
}
