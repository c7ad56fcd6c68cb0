package dev.minitape.examples;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The terminal form of {@link Progress}: one bar on the last line, redrawn in place (carriage return, erase to
 * the end of the line) at most every {@link #REDRAW_MILLIS}. A log line erases the bar, takes its place and the bar
 * is drawn again below it, so every line stays on screen above the bar; closing erases the bar. The bar is cut to
 * the terminal's width less one ($COLUMNS, else 80): a wrapped bar could not be redrawn in place. While the bar
 * is up, lines written to {@code System.err} (the log's warnings) are shown above it the same way.
 */
final class TerminalProgress extends Progress {
    static final long REDRAW_MILLIS = 200;
    private static final String ERASE_LINE = "\r\033[K";
    private static final int WIDTH = 10;

    private final PrintStream screen;
    private final int columns;
    private String bar = "";                       // what the last line shows; empty when no bar is drawn
    private long drawnAt;
    private PrintStream stderr;                    // System.err before the bar took it; null when not taken

    TerminalProgress(PrintStream screen, int columns, double floorPerToken, LongSupplier millis) {
        super(floorPerToken, millis);
        this.screen = screen;
        this.columns = columns;
    }

    @Override
    synchronized void showStep(int step, int total, double loss, double tokensPerSec) {
        if (!bar.isEmpty() && step < total && now() - drawnAt < REDRAW_MILLIS) return;
        int filled = (int) ((long) WIDTH * step / total);
        String full = String.format(Locale.ROOT, "train %3d%% [%s%s] %s", 100L * step / total, "=".repeat(filled),
                " ".repeat(WIDTH - filled), status(step, total, loss, tokensPerSec));
        String drawn = full.substring(0, Math.min(full.length(), columns - 1));
        screen.print(ERASE_LINE + drawn);
        screen.flush();
        if (bar.isEmpty()) takeStderr();
        bar = drawn;
        drawnAt = now();
    }

    /** The terminal's width from $COLUMNS, else 80. */
    static int columns(String env) {
        try {
            return env == null ? 80 : Math.max(20, Integer.parseInt(env.trim()));
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    private void takeStderr() {
        stderr = System.err;
        System.setErr(new PrintStream(new LineSink(this::line), true, StandardCharsets.UTF_8));
    }

    @Override
    synchronized void line(String text) {
        screen.print(bar.isEmpty() ? text + "\n" : ERASE_LINE + text + "\n" + bar);
        screen.flush();
    }

    @Override
    public synchronized void close() {
        if (bar.isEmpty()) return;
        System.setErr(stderr);
        screen.print(ERASE_LINE);
        screen.flush();
        bar = "";
    }
}
