package dev.minitape.examples;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * The form of {@link Progress} for a file, a pipe or CI: log lines as they come, and between them one plain
 * progress line at most every {@link #EVERY_MILLIS} (an evaluation's line counts as one). No carriage returns.
 */
final class PlainProgress extends Progress {
    static final long EVERY_MILLIS = 10_000;

    private final PrintStream progress;
    private final PrintStream lines;
    private long shownAt;

    /** Progress lines go to {@code progress} (stderr), the log lines to {@code lines} (stdout). */
    PlainProgress(PrintStream progress, PrintStream lines, double floorPerToken, LongSupplier millis) {
        super(floorPerToken, millis);
        this.progress = progress;
        this.lines = lines;
        this.shownAt = now();
    }

    @Override
    void showStep(int step, int total, double loss, double tokensPerSec) {
        if (step == total || now() - shownAt < EVERY_MILLIS) return;
        progress.println(status(step, total, loss, tokensPerSec));
        shownAt = now();
    }

    @Override
    void line(String text) {
        lines.println(text);
        shownAt = now();
    }
}
