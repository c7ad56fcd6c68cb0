package dev.minitape.examples;

import dev.minitape.lm.train.TrainingListener;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What a training run shows as it goes: a line per evaluation and per checkpoint, and the progress between them.
 * When stdout and stderr are a terminal the progress is a live bar below the lines ({@link TerminalProgress});
 * elsewhere (a file, a pipe, CI) a plain line now and then ({@link PlainProgress}); with --quiet nothing.
 */
abstract class Progress implements TrainingListener, AutoCloseable {
    private final double floor;
    private final LongSupplier millis;
    private final long startedAt;
    private int firstStep = -1;

    Progress(double floorPerToken, LongSupplier millis) {
        this.floor = floorPerToken;
        this.millis = millis;
        this.startedAt = millis.getAsLong();
    }

    /** The form that suits where the output goes: a bar in a terminal, plain lines elsewhere, nothing when quiet. */
    static Progress forThisRun(double floorPerToken, boolean quiet) {
        if (quiet) return new Progress(floorPerToken, System::currentTimeMillis) {
            @Override
            void line(String text) {}
        };
        // The bar needs stdout on the terminal too: the log lines and results go there, and they must reach the
        // screen in order with the bar. So the bar is drawn on stdout, which is written directly (the launcher
        // relays stderr through a pipe). With either redirected (| tee, > file, 2> file) the lines go to the file
        // and the progress is plain.
        if (!Terminal.stderrIsTerminal() || System.console() == null) {
            return new PlainProgress(System.err, System.out, floorPerToken, System::currentTimeMillis);
        }
        return new TerminalProgress(System.out, TerminalProgress.columns(System.getenv("COLUMNS")), floorPerToken,
                System::currentTimeMillis);
    }

    /** Shows one line of the run's log. */
    abstract void line(String text);

    /** Shows the progress after a step (or not: each form decides how often). */
    void showStep(int step, int total, double loss, double tokensPerSec) {}

    @Override
    public final void onStep(int step, int total, double loss, double lr, double tokensPerSec) {
        if (firstStep < 0) firstStep = step - 1;
        showStep(step, total, loss, tokensPerSec);
    }

    @Override
    public void onEval(int step, double trainLoss, double valLoss) {
        String gap = Double.isNaN(floor) ? "" : String.format(Locale.ROOT, "  (floor %.4f, gap %.4f)", floor, valLoss - floor);
        line(String.format(Locale.ROOT, "step %d: train %.4f  val %.4f%s", step, trainLoss, valLoss, gap));
    }

    @Override
    public void onCheckpoint(int step, String slot) {
        line("step " + step + ": saved " + slot + "/");
    }

    @Override
    public void close() {}

    long now() {
        return millis.getAsLong();
    }

    /** "step 300/800  loss 1.2345  52,000 tok/s  0:12 left", the time left at the pace since the first step. */
    String status(int step, int total, double loss, double tokensPerSec) {
        long elapsed = now() - startedAt;
        long left = elapsed * (total - step) / (step - firstStep) / 1000;
        return String.format(Locale.ROOT, "step %d/%d  loss %.4f  %,.0f tok/s  %d:%02d left", step, total, loss, tokensPerSec,
                left / 60, left % 60);
    }
}
