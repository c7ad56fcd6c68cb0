package dev.minitape.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minitape.lm.eval.Evaluation;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code eval} prints: for people, a few lines; for scripts ({@code --json}), one JSON object with
 * snake_case keys (with several files: each file's object and the total's, {@link #json(Map, EvalReport)}).
 * Smoothing is NaN when training used none; scaled is null without --temperature.
 */
record EvalReport(Evaluation figures, double charsPerToken, double labelSmoothing, double smoothingFloor,
                  Evaluation scaled, long fitPositions) {

    void printText(PrintStream out) {
        Figures.print(out, "eval", figures.nll(), charsPerToken);
        out.printf(Locale.ROOT, "accuracy %.4f, top-5 %.4f over %,d positions%n", figures.accuracy(), figures.top5Accuracy(),
                figures.positions());
        out.printf(Locale.ROOT, "calibration: ECE %.4f (%d confidence bins), Brier %.4f; mean entropy %.4f nats%n",
                figures.ece(), Evaluation.BINS, figures.brier(), figures.entropy());
        if (!Double.isNaN(labelSmoothing)) {
            out.printf(Locale.ROOT, "trained with label smoothing %s: the smoothed loss cannot go below %.4f nats/token%n",
                    labelSmoothing, smoothingFloor);
        }
        if (scaled != null) {
            out.printf(Locale.ROOT, "temperature %.4f (fit on the run's validation split, %,d positions): nll %.4f → %.4f, "
                    + "ECE %.4f → %.4f%n", scaled.temperature(), fitPositions, figures.nll(), scaled.nll(), figures.ece(), scaled.ece());
        }
    }

    String json() throws JsonProcessingException {
        return new ObjectMapper().writeValueAsString(fields());
    }

    /** {"files": {FILE: figures, ...}, "total": figures}, the files in the order given. */
    static String json(Map<Path, EvalReport> files, EvalReport total) throws JsonProcessingException {
        Map<String, Object> each = new LinkedHashMap<>();
        files.forEach((file, report) -> each.put(file.toString(), report.fields()));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("files", each);
        o.put("total", total.fields());
        return new ObjectMapper().writeValueAsString(o);
    }

    private Map<String, Object> fields() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("nll", figures.nll());
        o.put("bits_per_char", Figures.bitsPerChar(figures.nll(), charsPerToken));
        o.put("perplexity", Figures.perplexity(figures.nll()));
        o.put("accuracy", figures.accuracy());
        o.put("top5_accuracy", figures.top5Accuracy());
        o.put("ece", figures.ece());
        o.put("brier", figures.brier());
        o.put("entropy", figures.entropy());
        o.put("positions", figures.positions());
        if (!Double.isNaN(labelSmoothing)) {
            o.put("label_smoothing", labelSmoothing);
            o.put("smoothing_floor", smoothingFloor);
        }
        if (scaled != null) {
            o.put("temperature", scaled.temperature());
            o.put("nll_scaled", scaled.nll());
            o.put("ece_scaled", scaled.ece());
        }
        return o;
    }
}
