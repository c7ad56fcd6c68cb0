package dev.minitape.examples;

import dev.minitape.lm.train.TrainingListener;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** The training progress bar (step, loss, tokens per second, time left) and one line per evaluation. */
final class Progress implements TrainingListener, AutoCloseable {
    private final ProgressBar bar;
    private final double floor;

    Progress(int steps, double floorPerToken) {
        this.floor = floorPerToken;
        this.bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).continuousUpdate().build();
    }

    @Override
    public void onStep(int step, int total, double loss, double lr, double tokensPerSec) {
        bar.stepTo(step);
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f  %,.0f tok/s", loss, tokensPerSec));
    }

    @Override
    public void onEval(int step, double trainLoss, double valLoss) {
        String gap = Double.isNaN(floor) ? "" : String.format(Locale.ROOT, "  (floor %.4f, gap %.4f)", floor, valLoss - floor);
        System.out.printf(Locale.ROOT, "%nstep %d: train %.4f  val %.4f%s%n", step, trainLoss, valLoss, gap);
    }

    @Override
    public void close() {
        bar.close();
    }
}
