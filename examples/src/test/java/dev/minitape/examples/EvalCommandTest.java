package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minitape.lm.eval.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval}'s figures, --json, --predictions, --calibration-plot and --temperature, and what training logs. */
class EvalCommandTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @TempDir
    static Path tmp;
    static Path run, text;

    @BeforeAll
    static void trainATinyRun() throws IOException {
        run = tmp.resolve("run");
        text = tmp.resolve("tiny.txt");
        Files.writeString(text, "the cat sat on the mat. the dog sat on the log. ".repeat(100));
        CliErrorsTest.Outcome o = CliErrorsTest.cli("train", "--data", text.toString(), "--steps", "4", "--warmup", "1",
                "--eval-every", "2", "--label-smoothing", "0.1", "--n-layer", "1", "--n-embd", "16", "--n-head", "2",
                "--block-size", "16", "--batch-size", "2", "--sample-tokens", "0", "--threads", "1", "--out", run.toString());
        assertEquals(0, o.code(), o.err());
    }

    @Test
    void trainingLogsTheFiguresAtEachEvaluationAndDrawsCalibration() throws IOException {
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals("step,train_loss,val_loss,lr,tokens_per_sec,val_nll,val_accuracy,val_top5_accuracy,val_ece,val_brier,"
                + "val_entropy", metrics.get(0));
        assertEquals(5, metrics.size());
        for (int step = 1; step <= 4; step++) {
            String[] cells = metrics.get(step).split(",", -1);
            for (int k = 5; k < 11; k++) assertEquals(step % 2 == 0, !cells[k].isEmpty(), "column " + k + ": " + metrics.get(step));
        }
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(Files.readAllBytes(run.resolve("calibration.png")), 8));
    }

    @Test
    void printsTheFiguresAndTheSmoothedFloor() {
        CliErrorsTest.Outcome o = CliErrorsTest.cli("eval", "--checkpoint", run.toString(), "--data", text.toString());
        assertEquals(0, o.code(), o.err());
        for (String expected : List.of("eval loss:", "bits/char", "perplexity", "accuracy", "top-5", "ECE", "Brier", "entropy",
                "label smoothing 0.1")) {
            assertTrue(o.out().contains(expected), expected + " in:\n" + o.out());
        }
    }

    /** Every figure of --json, recomputed from the rows of --predictions. */
    @Test
    void predictionRowsAgreeWithTheJsonFigures() throws IOException {
        Path csv = tmp.resolve("predictions.csv"), png = tmp.resolve("reliability.png");
        CliErrorsTest.Outcome o = CliErrorsTest.cli("eval", "--checkpoint", run.toString(), "--data", text.toString(), "--json",
                "--predictions", csv.toString(), "--calibration-plot", png.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals(1, o.out().lines().count(), "one JSON object: " + o.out());
        JsonNode json = new ObjectMapper().readTree(o.out());

        List<String> rows = Files.readAllLines(csv);
        assertEquals(PredictionsCsv.HEADER, rows.get(0));
        int n = rows.size() - 1;
        double nll = 0, right = 0, brier = 0, entropy = 0;
        long[] count = new long[Evaluation.BINS];
        double[] correct = new double[Evaluation.BINS], confidence = new double[Evaluation.BINS];
        for (int i = 1; i <= n; i++) {
            String[] f = rows.get(i).split(",");
            assertEquals(i, Integer.parseInt(f[0]), "every token after the first, in order");
            boolean hit = f[1].equals(f[2]);
            double pTarget = Double.parseDouble(f[3]), pMax = Double.parseDouble(f[4]);
            nll -= Math.log(pTarget);
            right += hit ? 1 : 0;
            brier += Double.parseDouble(f[6]) - 2 * pTarget + 1;
            entropy += Double.parseDouble(f[5]);
            int b = Math.min(Evaluation.BINS - 1, (int) (pMax * Evaluation.BINS));
            count[b]++;
            correct[b] += hit ? 1 : 0;
            confidence[b] += pMax;
        }
        double ece = 0;
        for (int b = 0; b < Evaluation.BINS; b++) ece += Math.abs(correct[b] - confidence[b]) / n;
        assertEquals(n, json.get("positions").asLong());
        assertEquals(json.get("nll").asDouble(), nll / n, 1e-9);
        assertEquals(json.get("accuracy").asDouble(), right / n, 1e-12);
        assertEquals(json.get("brier").asDouble(), brier / n, 1e-9);
        assertEquals(json.get("entropy").asDouble(), entropy / n, 1e-9);
        assertEquals(json.get("ece").asDouble(), ece, 1e-9);
        assertEquals(Math.exp(json.get("nll").asDouble()), json.get("perplexity").asDouble(), 1e-9);
        for (String key : List.of("bits_per_char", "top5_accuracy", "label_smoothing", "smoothing_floor")) {
            assertTrue(json.has(key), key + " in " + json);
        }
        assertFalse(json.has("temperature"), "no temperature unless asked: " + json);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(Files.readAllBytes(png), 8));
    }

    @Test
    void temperatureIsFitAndTheScaledFiguresReported() throws IOException {
        CliErrorsTest.Outcome o = CliErrorsTest.cli("eval", "--checkpoint", run.toString(), "--data", text.toString(), "--json",
                "--temperature");
        assertEquals(0, o.code(), o.err());
        JsonNode json = new ObjectMapper().readTree(o.out());
        double t = json.get("temperature").asDouble();
        assertTrue(t >= 0.05 && t <= 20, "T in the searched range: " + json);
        assertTrue(Double.isFinite(json.get("nll_scaled").asDouble()) && Double.isFinite(json.get("ece_scaled").asDouble()), json.toString());
    }

    /** eval --data a --data b: each file's figures are what eval of that file alone prints; the total weighs them by positions. */
    @Test
    void severalFilesGetAReportEachAndATotal() throws IOException {
        Path other = tmp.resolve("other.txt");
        Files.writeString(other, "a dog sat on a cat. ".repeat(40));
        CliErrorsTest.Outcome both = CliErrorsTest.cli("eval", "--checkpoint", run.toString(), "--data", text.toString(), "--data",
                other.toString(), "--json");
        assertEquals(0, both.code(), both.err());
        JsonNode json = new ObjectMapper().readTree(both.out());
        JsonNode a = json.get("files").get(text.toString()), b = json.get("files").get(other.toString()), total = json.get("total");
        assertEquals(alone(text).toString(), a.toString());
        assertEquals(alone(other).toString(), b.toString());
        long na = a.get("positions").asLong(), nb = b.get("positions").asLong();
        assertEquals(na + nb, total.get("positions").asLong());
        for (String mean : List.of("nll", "accuracy", "top5_accuracy", "brier", "entropy")) {
            double weighted = (na * a.get(mean).asDouble() + nb * b.get(mean).asDouble()) / (na + nb);
            assertEquals(weighted, total.get(mean).asDouble(), 1e-12, mean);
        }
        assertTrue(Math.abs(a.get("nll").asDouble() - b.get("nll").asDouble()) > 0.01, "the two texts score differently");

        CliErrorsTest.Outcome text2 = CliErrorsTest.cli("eval", "--checkpoint", run.toString(), "--data", text.toString(), "--data",
                other.toString());
        assertEquals(0, text2.code(), text2.err());
        List<String> heads = text2.out().lines().filter(l -> l.startsWith(text.toString()) || l.startsWith(other.toString())
                || l.startsWith("total:")).toList();
        assertEquals(3, heads.size(), text2.out());
        assertTrue(heads.get(2).startsWith("total: "), text2.out());
        assertEquals(3, text2.out().lines().filter(l -> l.startsWith("eval loss:")).count(), text2.out());

        CliErrorsTest.fails(2, "--predictions takes one --data file, got 2", "eval", "--checkpoint", run.toString(), "--data",
                text.toString(), "--data", other.toString(), "--predictions", tmp.resolve("p.csv").toString());
    }

    private static JsonNode alone(Path file) throws IOException {
        CliErrorsTest.Outcome o = CliErrorsTest.cli("eval", "--checkpoint", run.toString(), "--data", file.toString(), "--json");
        assertEquals(0, o.code(), o.err());
        return new ObjectMapper().readTree(o.out());
    }
}
