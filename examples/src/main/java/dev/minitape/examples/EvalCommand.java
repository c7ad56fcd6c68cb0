package dev.minitape.examples;

import dev.minitape.core.Tape;
import dev.minitape.lm.data.Batch;
import dev.minitape.lm.data.TextFiles;
import dev.minitape.lm.eval.CalibrationPlot;
import dev.minitape.lm.eval.Evaluation;
import dev.minitape.lm.eval.Prediction;
import dev.minitape.lm.eval.SmoothingFloor;
import dev.minitape.lm.eval.TemperatureScaling;
import dev.minitape.lm.model.LanguageModel;
import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.lm.tokenizer.Tokenizer;
import dev.minitape.lm.train.Checkpoint;
import dev.minitape.lm.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code minitape eval}: a trained model's loss, accuracy and calibration on text files, each and all together. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"A trained model on a text file, every token after the first predicted once: the unsmoothed "
                + "NLL (nats per token, bits per character, perplexity), top-1 and top-5 accuracy, expected calibration "
                + "error (15 equal-width bins of the top probability), Brier score, the mean entropy of the predictions, "
                + "and, for a run trained with label smoothing, the floor of its smoothed loss. With several --data files: "
                + "the figures of each, then of all their positions together."})
final class EvalCommand implements Callable<Integer> {
    @Mixin KernelOption kernels;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A run folder (train --out).")
    Path checkpoint;
    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "The text to evaluate on; repeat for several files (each scored on its own, then the total).")
    List<Path> data;
    @Option(names = "--json", description = "Print the figures as one JSON object (snake_case keys) instead; with several "
            + "files {\"files\": {FILE: figures, ...}, \"total\": figures}.")
    boolean json;
    @Option(names = "--predictions", paramLabel = "FILE.csv",
            description = "Write one row per scored position (one --data file only): " + PredictionsCsv.HEADER + " (position: "
                    + "the index of the predicted token; entropy in nats; sum_p2 = Σ p², so Brier = sum_p2 − 2·p_target + 1).")
    Path predictions;
    @Option(names = "--calibration-plot", paramLabel = "FILE.png",
            description = "Draw the reliability diagram (accuracy per confidence bin against the diagonal) and the "
                    + "histogram of confidences, of all positions of all --data files.")
    Path calibrationPlot;
    @Option(names = "--temperature", description = "Fit one temperature T by minimizing the NLL on the run's own validation "
            + "split (the trainer's validation batches, read again from the run's training text), then report T and the "
            + "NLL and ECE of softmax(logits / T) on --data.")
    boolean temperature;

    @Override
    public Integer call() throws Exception {
        if (predictions != null && data.size() > 1) {
            throw new IllegalArgumentException("--predictions takes one --data file, got " + data.size());
        }
        Checkpoint.Contents c = Checkpoint.load(checkpoint, SampleCommand.bestOrLatest(checkpoint));
        Tokenizer tok = c.tokenizer();
        LanguageModel lm = c.model();
        lm.module().eval();

        double t = 1;
        long fitPositions = 0;
        if (temperature) {
            List<Batch> validation = Trainer.validationBatches(RunText.dataset(checkpoint, c), c.train());
            fitPositions = validation.stream().mapToLong(b -> b.y().length).sum();
            t = fitTemperature(lm, validation, (int) fitPositions);
        }
        double eps = c.train().labelSmoothing();
        double smoothing = eps > 0 ? eps : Double.NaN, floor = eps > 0 ? SmoothingFloor.nats(eps, lm.vocabSize()) : Double.NaN;
        boolean several = data.size() > 1;
        Evaluation total = several ? new Evaluation() : null, totalScaled = several && temperature ? new Evaluation(t) : null;
        double totalChars = 0;
        long totalTokens = 0;
        Map<Path, EvalReport> reports = new LinkedHashMap<>();
        Map<Path, Integer> tokenCounts = new LinkedHashMap<>();
        for (Path file : data) {
            byte[] bytes = TextFiles.readBytes(file);
            String text = tok instanceof CharTokenizer ? TextFiles.decodeUtf8(file, bytes) : null;
            int[] tokens = text != null ? tok.encode(text) : tok.encodeBytes(bytes);
            if (tokens.length < 2) throw new IllegalArgumentException(file + " holds fewer than 2 tokens: nothing to predict");
            Evaluation figures = new Evaluation(), scaled = temperature ? new Evaluation(t) : null;
            score(lm, tokens, present(figures, total), present(scaled, totalScaled));
            double chars = text != null ? text.codePointCount(0, text.length()) : bytes.length;
            reports.put(file, new EvalReport(figures, chars / tokens.length, smoothing, floor, scaled, fitPositions));
            tokenCounts.put(file, tokens.length);
            totalChars += chars;
            totalTokens += tokens.length;
        }
        EvalReport all = several ? new EvalReport(total, totalChars / totalTokens, smoothing, floor, totalScaled, fitPositions)
                : reports.get(data.get(0));
        if (calibrationPlot != null) {
            String on = several ? data.size() + " files" : data.get(0).getFileName().toString();
            CalibrationPlot.write(calibrationPlot, all.figures(), "calibration on " + on);
        }
        if (json) {
            System.out.println(several ? EvalReport.json(reports, all) : all.json());
            return 0;
        }
        for (Path file : data) {
            System.out.printf("%s: %,d tokens%n", file, tokenCounts.get(file));
            reports.get(file).printText(System.out);
        }
        if (several) {
            System.out.printf("total: %,d tokens in %d files, each scored on its own; the figures of all their positions:%n", totalTokens,
                    data.size());
            all.printText(System.out);
        }
        return 0;
    }

    /**
     * Consecutive windows of up to T predictions each, so every token after the first is predicted once;
     * each position goes into every one of the figures and the scaled ones (and --predictions).
     */
    private void score(LanguageModel lm, int[] tokens, List<Evaluation> figures, List<Evaluation> scaled) throws IOException {
        int t = lm.blockSize(), v = lm.vocabSize();
        try (var off = Tape.noGrad(); PredictionsCsv rows = predictions == null ? null : new PredictionsCsv(predictions)) {
            for (int from = 0; from + 1 < tokens.length; from += t) {
                int len = Math.min(t, tokens.length - 1 - from);
                int[] x = Arrays.copyOfRange(tokens, from, from + len), y = Arrays.copyOfRange(tokens, from + 1, from + 1 + len);
                float[] logits = lm.forward(x, 1, len).data();
                for (int i = 0; i < len; i++) {
                    Prediction p = null;
                    for (Evaluation f : figures) p = f.add(logits, i * v, v, y[i]);
                    for (Evaluation f : scaled) f.add(logits, i * v, v, y[i]);
                    if (rows != null) rows.write(from + 1 + i, p);
                }
            }
        }
    }

    /** The figures given, without the nulls. */
    private static List<Evaluation> present(Evaluation... figures) {
        return Arrays.stream(figures).filter(Objects::nonNull).toList();
    }

    /** The temperature minimizing the NLL over the validation batches' positions. */
    private static double fitTemperature(LanguageModel lm, List<Batch> validation, int positions) {
        int v = lm.vocabSize(), at = 0;
        float[] logits = new float[Math.multiplyExact(positions, v)];
        int[] targets = new int[positions];
        try (var off = Tape.noGrad()) {
            for (Batch b : validation) {
                float[] z = lm.forward(b.x(), b.batchSize(), b.blockSize()).data();
                System.arraycopy(z, 0, logits, at * v, z.length);
                System.arraycopy(b.y(), 0, targets, at, b.y().length);
                at += b.y().length;
            }
        }
        return TemperatureScaling.fit(logits, targets, v);
    }
}
