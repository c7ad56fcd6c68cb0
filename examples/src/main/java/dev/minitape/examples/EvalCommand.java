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
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code minitape eval}: a trained model's loss, accuracy and calibration on a text file. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"A trained model on a text file, every token after the first predicted once: the unsmoothed "
                + "NLL (nats per token, bits per character, perplexity), top-1 and top-5 accuracy, expected calibration "
                + "error (15 equal-width bins of the top probability), Brier score, the mean entropy of the predictions, "
                + "and, for a run trained with label smoothing, the floor of its smoothed loss."})
final class EvalCommand implements Callable<Integer> {
    @Mixin KernelOption kernels;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A run folder (train --out).")
    Path checkpoint;
    @Option(names = "--data", required = true, paramLabel = "FILE", description = "The text to evaluate on.")
    Path data;
    @Option(names = "--json", description = "Print the figures as one JSON object (snake_case keys) instead.")
    boolean json;
    @Option(names = "--predictions", paramLabel = "FILE.csv",
            description = "Write one row per scored position: " + PredictionsCsv.HEADER + " (position: the index of the "
                    + "predicted token; entropy in nats; sum_p2 = Σ p², so Brier = sum_p2 − 2·p_target + 1).")
    Path predictions;
    @Option(names = "--calibration-plot", paramLabel = "FILE.png",
            description = "Draw the reliability diagram (accuracy per confidence bin against the diagonal) and the "
                    + "histogram of confidences.")
    Path calibrationPlot;
    @Option(names = "--temperature", description = "Fit one temperature T by minimizing the NLL on the run's own validation "
            + "split (the trainer's validation batches, read again from the run's training text), then report T and the "
            + "NLL and ECE of softmax(logits / T) on --data.")
    boolean temperature;

    @Override
    public Integer call() throws Exception {
        Checkpoint.Contents c = Checkpoint.load(checkpoint, SampleCommand.bestOrLatest(checkpoint));
        Tokenizer tok = c.tokenizer();
        byte[] bytes = TextFiles.readBytes(data);
        String text = tok instanceof CharTokenizer ? TextFiles.decodeUtf8(data, bytes) : null;
        int[] tokens = text != null ? tok.encode(text) : tok.encodeBytes(bytes);
        LanguageModel lm = c.model();
        if (tokens.length < 2) throw new IllegalArgumentException(data + " holds fewer than 2 tokens: nothing to predict");
        lm.module().eval();

        double t = 1;
        long fitPositions = 0;
        if (temperature) {
            List<Batch> validation = Trainer.validationBatches(RunText.dataset(checkpoint, c), c.train());
            fitPositions = validation.stream().mapToLong(b -> b.y().length).sum();
            t = fitTemperature(lm, validation, (int) fitPositions);
        }
        Evaluation figures = new Evaluation(), scaled = temperature ? new Evaluation(t) : null;
        score(lm, tokens, figures, scaled);
        if (calibrationPlot != null) CalibrationPlot.write(calibrationPlot, figures, "calibration on " + data.getFileName());

        double eps = c.train().labelSmoothing();
        double chars = text != null ? text.codePointCount(0, text.length()) : bytes.length;
        EvalReport report = new EvalReport(figures, chars / tokens.length, eps > 0 ? eps : Double.NaN,
                eps > 0 ? SmoothingFloor.nats(eps, lm.vocabSize()) : Double.NaN, scaled, fitPositions);
        if (json) {
            System.out.println(report.json());
        } else {
            System.out.printf("%s: %,d tokens%n", data, tokens.length);
            report.printText(System.out);
        }
        return 0;
    }

    /**
     * Consecutive windows of up to T predictions each, so every token after the first is predicted once;
     * each position goes into the figures (and the scaled ones, and --predictions).
     */
    private void score(LanguageModel lm, int[] tokens, Evaluation figures, Evaluation scaled) throws IOException {
        int t = lm.blockSize(), v = lm.vocabSize();
        try (var off = Tape.noGrad(); PredictionsCsv rows = predictions == null ? null : new PredictionsCsv(predictions)) {
            for (int from = 0; from + 1 < tokens.length; from += t) {
                int len = Math.min(t, tokens.length - 1 - from);
                int[] x = Arrays.copyOfRange(tokens, from, from + len), y = Arrays.copyOfRange(tokens, from + 1, from + 1 + len);
                float[] logits = lm.forward(x, 1, len).data();
                for (int i = 0; i < len; i++) {
                    Prediction p = figures.add(logits, i * v, v, y[i]);
                    if (scaled != null) scaled.add(logits, i * v, v, y[i]);
                    if (rows != null) rows.write(from + 1 + i, p);
                }
            }
        }
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
