package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/** The two forms of training progress, given a fake clock (one second per step) and a fake screen or log. */
class ProgressTest {
    private long millis;

    /** Runs 100 steps with an evaluation every 25 and a checkpoint after the last. */
    private void train(Progress p, IntConsumer afterEval) {
        for (int step = 1; step <= 100; step++) {
            millis += 1000;
            p.onStep(step, 100, 2.0 - step / 100.0, 1e-3, 5000);
            if (step % 25 == 0) {
                p.onEval(step, 1.5, 1.6);
                afterEval.accept(step);
            }
        }
        p.onCheckpoint(100, "checkpoint");
        p.close();
    }

    /** What a terminal shows after {@code written}: \r returns to the line's start, ESC[K erases to its end. */
    static List<String> screen(String written) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int column = 0;
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (c == '\r') {
                column = 0;
            } else if (c == '\n') {
                lines.add(line.toString());
                line.setLength(0);
                column = 0;
            } else if (written.startsWith("\033[K", i)) {
                line.setLength(column);
                i += 2;
            } else {
                if (column < line.length()) line.setCharAt(column, c);
                else line.append(c);
                column++;
            }
        }
        if (line.length() > 0) lines.add(line.toString());
        return lines;
    }

    @Test
    void inATerminalEveryLineStaysAboveOneBarThatIsErasedAtTheEnd() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> shownMidway = new ArrayList<>();
        train(new TerminalProgress(new PrintStream(out, true, StandardCharsets.UTF_8), 80, 1.2, () -> millis),
                step -> shownMidway.add(String.join("\n", screen(out.toString(StandardCharsets.UTF_8)))));
        List<String> shown = screen(out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("step 25: train 1.5000  val 1.6000  (floor 1.2000, gap 0.4000)",
                "step 50: train 1.5000  val 1.6000  (floor 1.2000, gap 0.4000)",
                "step 75: train 1.5000  val 1.6000  (floor 1.2000, gap 0.4000)",
                "step 100: train 1.5000  val 1.6000  (floor 1.2000, gap 0.4000)",
                "step 100: saved checkpoint/"), shown);
        String atStep50 = shownMidway.get(1);
        assertTrue(atStep50.endsWith("\n" + "step 50: train 1.5000  val 1.6000  (floor 1.2000, gap 0.4000)\n"
                + "train  50% [=====     ] step 50/100  loss 1.5000  5,000 tok/s  0:50 left"), atStep50);
        assertEquals(3, atStep50.lines().count(), "two log lines, then the one bar: " + atStep50);
    }

    @Test
    void inATerminalLinesWrittenToStderrGoAboveTheBarUntilItIsErased() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Progress p = new TerminalProgress(new PrintStream(out, true, StandardCharsets.UTF_8), 80, Double.NaN, () -> millis);
        try {
            p.onStep(1, 10, 2.0, 1e-3, 5000);
            System.err.println("12:00:00 WARN  Trainer - could not draw loss.png");
            p.close();
            assertEquals(stderr, System.err, "given back");
        } finally {
            System.setErr(stderr);
        }
        assertEquals(List.of("12:00:00 WARN  Trainer - could not draw loss.png"), screen(out.toString(StandardCharsets.UTF_8)));
    }

    @Test
    void inATerminalTheBarIsRedrawnAtMostFiveTimesASecond() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Progress p = new TerminalProgress(new PrintStream(out, true, StandardCharsets.UTF_8), 80, Double.NaN, () -> millis);
        for (int step = 1; step <= 1000; step++) {
            millis += 10;
            p.onStep(step, 1000, 1.0, 1e-3, 5000);
        }
        long draws = out.toString(StandardCharsets.UTF_8).split("train ", -1).length - 1;
        assertEquals(10_000 / TerminalProgress.REDRAW_MILLIS + 1, draws, "every 200 ms of 10 s, and the last step");
    }

    @Test
    void theBarFitsTheTerminalsWidth() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Progress narrow = new TerminalProgress(new PrintStream(out, true, StandardCharsets.UTF_8), 40, Double.NaN, () -> millis);
        narrow.onStep(12_345, 100_000, 1.0, 1e-3, 123_456);
        String drawn = out.toString(StandardCharsets.UTF_8);
        assertEquals("\r\033[K" + "train  12% [=         ] step 12345/1000", drawn, "39 columns: a wrapped bar cannot be redrawn");
        assertEquals(80, TerminalProgress.columns(null));
        assertEquals(132, TerminalProgress.columns("132"));
        assertEquals(80, TerminalProgress.columns("wide"));
    }

    @Test
    void elsewhereAPlainLineEveryTenSecondsAndAtEachEvaluation() {
        ByteArrayOutputStream progress = new ByteArrayOutputStream(), lines = new ByteArrayOutputStream();
        train(new PlainProgress(new PrintStream(progress, true, StandardCharsets.UTF_8),
                new PrintStream(lines, true, StandardCharsets.UTF_8), Double.NaN, () -> millis), step -> {});
        String p = progress.toString(StandardCharsets.UTF_8), l = lines.toString(StandardCharsets.UTF_8);
        assertFalse((p + l).contains("\r") || (p + l).contains("\033"), "no carriage returns or escapes");
        assertEquals(List.of("step 10/100  loss 1.9000  5,000 tok/s  1:30 left", "step 20/100  loss 1.8000  5,000 tok/s  1:20 left",
                "step 35/100  loss 1.6500  5,000 tok/s  1:05 left", "step 45/100  loss 1.5500  5,000 tok/s  0:55 left",
                "step 60/100  loss 1.4000  5,000 tok/s  0:40 left", "step 70/100  loss 1.3000  5,000 tok/s  0:30 left",
                "step 85/100  loss 1.1500  5,000 tok/s  0:15 left", "step 95/100  loss 1.0500  5,000 tok/s  0:05 left"),
                p.lines().toList(), "ten seconds after the last line, an evaluation's included");
        assertEquals(List.of("step 25: train 1.5000  val 1.6000", "step 50: train 1.5000  val 1.6000",
                "step 75: train 1.5000  val 1.6000", "step 100: train 1.5000  val 1.6000", "step 100: saved checkpoint/"),
                l.lines().toList());
    }
}
