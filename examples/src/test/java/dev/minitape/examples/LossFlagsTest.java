package dev.minitape.examples;

import static dev.minitape.examples.CliErrorsTest.cli;
import static dev.minitape.examples.CliErrorsTest.fails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.lm.train.Checkpoint;
import dev.minitape.lm.train.ClassWeights;
import dev.minitape.lm.train.LossReduction;
import dev.minitape.lm.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** --label-smoothing, --z-loss, --reduction and --class-weights on train and copy, end to end. */
class LossFlagsTest {
    private static final String TEXT = "the cat sat on the mat. ".repeat(200);

    @TempDir
    static Path tmp;
    static Path text;

    @BeforeAll
    static void writeTheText() throws IOException {
        text = Files.writeString(tmp.resolve("cat.txt"), TEXT);
    }

    private static CliErrorsTest.Outcome train(Path out, String... loss) {
        String[] base = {"train", "--data", text.toString(), "--steps", "3", "--warmup", "1", "--eval-every", "3", "--n-layer", "1",
                "--n-embd", "16", "--n-head", "2", "--block-size", "16", "--batch-size", "2", "--sample-tokens", "0", "--threads", "1",
                "--out", out.toString()};
        String[] args = Arrays.copyOf(base, base.length + loss.length);
        System.arraycopy(loss, 0, args, base.length, loss.length);
        return cli(args);
    }

    @Test
    void trainPrintsTheWeightsAndSavesThemWithTheOtherLossOptions() throws IOException {
        Path out = tmp.resolve("weighted");
        CliErrorsTest.Outcome o = train(out, "--class-weights", "balanced", "--label-smoothing", "0.1", "--z-loss", "1e-4",
                "--reduction", "sequence");
        assertEquals(0, o.code(), o.err());

        // the weights the run should have: balanced over the first 90% of the text's characters
        CharTokenizer tok = CharTokenizer.fit(TEXT);
        int[] ids = tok.encode(TEXT);
        int trainTokens = (int) (ids.length * 0.9);
        float[] expected = ClassWeights.balanced(ClassWeights.count(Arrays.copyOf(ids, trainTokens), tok.vocabSize())).weights();

        // one line: the method, what was counted, the range, and the tokens at each end. Per 24 characters ' ' occurs 6
        // times, 't' 5, 'a' 3, 'h' and 'e' 2, the rest once (ties listed in id order: '.' has the smallest code point)
        String line = String.format(java.util.Locale.ROOT, "class weights: balanced from %,d training tokens, range %s–%s; "
                + "most up-weighted '.' %3$s, 'c' %3$s, 'm' %3$s; most down-weighted ' ' %2$s, 't' %4$s, 'a' %5$s",
                trainTokens, weight(expected, tok, " "), weight(expected, tok, "."), weight(expected, tok, "t"), weight(expected, tok, "a"));
        assertTrue(o.out().lines().anyMatch(line::equals), line + " in:\n" + o.out());
        // ε = 0.1 over 11 tokens: the flip needs a ratio above 1 + 11·0.9/0.1 = 100; here it is about 6
        assertFalse(o.err().contains("warning"), o.err());

        TrainConfig saved = Checkpoint.load(out, Checkpoint.LATEST).train();
        assertEquals("balanced", saved.classWeights().method());
        assertArrayEquals(expected, saved.classWeights().weights());
        assertEquals(0.1, saved.labelSmoothing());
        assertEquals(1e-4, saved.zLoss());
        assertEquals(LossReduction.SEQUENCE, saved.reduction());
        String json = Files.readString(out.resolve(Checkpoint.LATEST).resolve("config.json"));
        assertTrue(json.contains("\"method\" : \"balanced\"") && json.contains("\"reduction\" : \"sequence\""), json);
    }

    private static String weight(float[] weights, CharTokenizer tok, String token) {
        return LossReport.num(weights[tok.encode(token)[0]]);
    }

    @Test
    void heavySmoothingWithSkewedWeightsWarnsOfTheArgmaxFlipOnce() {
        // ε = 0.9 over 11 tokens: 1 + 11·0.1/0.9 ≈ 2.22, and ' ' is about six times as frequent as '.'
        CliErrorsTest.Outcome o = train(tmp.resolve("flip"), "--class-weights", "balanced", "--label-smoothing", "0.9");
        assertEquals(0, o.code(), o.err());
        assertEquals(1, o.err().lines().filter(l -> l.startsWith("warning: with label smoothing 0.9")).count(), o.err());
        assertTrue(o.err().contains("where the target is ' ' (weight 0.364) its minimum puts more probability on '.' (weight 2.18), "
                + "as the weights' ratio 6 > 1 + V·(1 − ε)/ε = 2.22 (V = 11;")
                && o.err().contains("pytorch issue 104776"), o.err());
    }

    @Test
    void aWeightsFileIsReadByTokenText() throws IOException {
        Path file = Files.writeString(tmp.resolve("w.json"), "{\"z\": 2}");
        fails(2, "w.json, line 1: no token 'z' in the tokenizer's vocabulary", "train", "--data", text.toString(),
                "--class-weights", file.toString());
        Files.writeString(file, "{\"t\": 2, \" \": 0.5}");
        CliErrorsTest.Outcome o = train(tmp.resolve("file"), "--class-weights", file.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("class weights: file:" + file + ", range 0.5–2; most up-weighted 't' 2, "), o.out());
    }

    /** Each row: what the one error line must mention | the command line, split at spaces. Exit code 2. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            --label-smoothing must be in [0, 1), got -0.1                                                                           | train --label-smoothing -0.1
            --label-smoothing must be in [0, 1), got 1.0                                                                            | copy --label-smoothing 1
            --z-loss must be a finite number >= 0, got -1.0                                                                         | train --z-loss -1
            --reduction must be token or sequence, got 'tokens'                                                                     | copy --reduction tokens
            --class-weights must be none, balanced, effective:BETA or a FILE of weights, got 'effective:1' (BETA must be in [0, 1)) | train --class-weights effective:1
            --class-weights must be none, balanced, effective:BETA or a FILE of weights, got 'balance' (no such file)               | copy --class-weights balance
            """)
    void badValuesNameTheirFlag(String mustMention, String commandLine) {
        fails(2, mustMention, commandLine.split(" "));
    }

    @Test
    void helpDescribesEachLossOption() {
        for (String command : new String[] {"train", "copy"}) {
            String help = cli(command, "--help").out().replaceAll("\\s+", " ");        // as one line: picocli wraps at 80 columns
            assertTrue(help.contains("--label-smoothing=EPS") && help.contains("--z-loss=COEF") && help.contains("--reduction=token|sequence")
                    && help.contains("--class-weights=none|balanced|effective:BETA|FILE"), help);
            assertTrue(help.contains("never seen in training gets") && help.contains("so there the two are equal"), help);
        }
    }

    @Test
    void copyTrainsWithTheSequenceMeanAndBalancedWeights() throws IOException {
        Path out = tmp.resolve("copy");
        CliErrorsTest.Outcome o = cli("copy", "--vocab", "4", "--max-len", "4", "--held-out", "20", "--steps", "4", "--eval-every", "2",
                "--d-model", "16", "--n-layer", "1", "--n-head", "2", "--batch-size", "8", "--threads", "1", "--reduction", "sequence",
                "--class-weights", "balanced", "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        // PAD and BOS are never targets: they get the largest weight, EOS (one per sequence) is the most frequent target
        assertTrue(o.out().contains("class weights: balanced from the targets of 10,000 sampled training sequences, range "), o.out());
        assertTrue(o.out().contains("most down-weighted '$' "), o.out());
        assertEquals(5, Files.readAllLines(out.resolve("metrics.csv")).size());
    }
}
