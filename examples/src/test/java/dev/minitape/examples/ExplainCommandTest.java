package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Reduction;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The explain walk-through shows the numbers the guide and the tests promise. */
class ExplainCommandTest {

    private static String explain(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "explain";
        System.arraycopy(args, 0, all, 1, args.length);
        CliErrorsTest.Outcome o = CliErrorsTest.cli(all);
        assertEquals(0, o.code(), o.err());
        return o.out();
    }

    /** A table row: the word then the numbers, e.g. "dog  0.2000  0.2000  0.2000". */
    private static boolean hasRow(String out, String word, String... numbers) {
        String regex = "(?m)^\\s+" + Pattern.quote(word) + "\\s+" + String.join("\\s+", numbers) + "\\s*$";
        return Pattern.compile(regex).matcher(out).find();
    }

    @Test
    void theCatExampleNumberByNumber() {
        String out = explain();
        assertTrue(out.contains("loss = −ln p(cat) = ln Σ_j e^(z_j) − z_cat = 0.0000 − (-0.6931) = 0.6931 nats   (p(cat) = 0.5000)"), out);
        assertTrue(out.contains("−ln 0.8 = 0.2231"), out);
        assertTrue(out.contains("a fair coin has 1.0000 bit; a certain event 0.0000"), out);
        // the gradient four ways: the unfused and the fused path on the tape, p − onehot, finite differences
        assertTrue(hasRow(out, "dog", "0.2000", "0.2000", "0.2000", "0.2000"), out);
        assertTrue(hasRow(out, "cat", "-0.5000", "-0.5000", "-0.5000", "-0.5000"), out);
        assertTrue(hasRow(out, "ball", "0.3000", "0.3000", "0.3000", "0.3000"), out);
        // label smoothing: tape gradient equals p − q
        assertTrue(hasRow(out, "cat", "0.9333", "0.5000", "-0.4333", "-0.4333"), out);
        // class weights: the weighted mean divides by Σ w_y
        assertTrue(out.contains("= 1.9883 / 2.5 = 0.7953   (CrossEntropy with Reduction.MEAN: 0.7953)"), out);
        assertTrue(out.contains("0.7407 = 0.2911 + 0.4496 nats"), out);
    }

    @Test
    void theGradientSectionShowsTheUnfusedAndFusedPathsAsTheTapeComputesThem() {
        for (String[] args : new String[][] {{}, {"--logits", "2.0,1.0,0.1", "--target", "0"}, {"--logits", "3,-1,0.5,2", "--target", "3"}}) {
            String out = explain(args);
            float[] z = args.length == 0 ? new float[] {(float) Math.log(0.2), (float) Math.log(0.5), (float) Math.log(0.3)}
                    : parseFloats(args[1]);
            int target = args.length == 0 ? 1 : Integer.parseInt(args[3]);
            String[] names = z.length == 3 ? new String[] {"dog", "cat", "ball"} : new String[] {"c0", "c1", "c2", "c3"};
            float[] unfused = tapeGradient(z, logits -> logits.logSoftmax(-1).gather(1, new int[] {target}).neg().sum());
            float[] fused = tapeGradient(z, logits -> CrossEntropy.builder().build().apply(logits, new int[] {target}));
            double[] p = softmax(z);
            for (int i = 0; i < z.length; i++) {
                assertEquals(unfused[i], fused[i], 1e-6, "the two paths agree at " + names[i]);
                assertTrue(hasRow(out, names[i], f4(unfused[i]), f4(fused[i]), f4(p[i] - (i == target ? 1 : 0)), "-?[0-9.]+"), out);
            }
            assertTrue(out.contains("largest |unfused − fused|: below 1e-6;"), out);
            assertTrue(out.contains("finite difference of CrossEntropy"), out);
        }
    }

    private static float[] tapeGradient(float[] z, java.util.function.Function<Tensor, Tensor> loss) {
        Tensor logits = Tensor.of(z, 1, z.length).requiresGrad(true);
        try (Tape tape = Tape.start()) {
            loss.apply(logits).backward();
        }
        return logits.grad().toArray();
    }

    private static float[] parseFloats(String csv) {
        String[] parts = csv.split(",");
        float[] x = new float[parts.length];
        for (int i = 0; i < x.length; i++) x[i] = Float.parseFloat(parts[i]);
        return x;
    }

    /** p_i = e^(z_i) / Σ_j e^(z_j), by its definition (these logits are small). */
    private static double[] softmax(float[] z) {
        double total = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) total += p[i] = Math.exp(z[i]);
        for (int i = 0; i < z.length; i++) p[i] /= total;
        return p;
    }

    /** x as a table prints it: 4 decimals, the regex's dots escaped. */
    private static String f4(double x) {
        return Pattern.quote(f4plain(x));
    }

    private static String f4plain(double x) {
        return String.format(java.util.Locale.ROOT, "%.4f", x);
    }

    @Test
    void smoothingWithClassWeightsShowsWhereTheArgmaxFlips() {
        // ε = 0.1, V = 3: the threshold is 1 + 3·0.9/0.1 = 28. Weights (1, 2, 0.5), target cat: a = (0.0333, 1.8667,
        // 0.0167) / 1.9167 → best p(cat) = 0.9739, no flip. With w_ball = 1.5·28·2 = 84: a_ball = 84·0.1/3 = 2.8 >
        // a_cat = 1.8667, so the best prediction is ball.
        String out = explain();
        assertTrue(out.contains("w_c / w_cat > 1 + V·(1 − ε)/ε = 28 (ε = 0.1, V = 3)"), out);
        assertTrue(hasRow(out, "cat (true)", "2.0000", "1.8667", "0.9739"), out);
        assertTrue(out.contains("argmax is cat (the target)"), out);
        assertTrue(hasRow(out, "ball", "84.0000", "2.8000", "0.5957"), out);
        assertTrue(out.contains("argmax is ball (NOT the target: the weights flipped it)"), out);
        // just below the threshold the target still wins: w_ball / w_cat = 27 < 28
        String below = explain("--weights", "1,2,54");
        assertTrue(below.contains("your weights:"), below);
        assertTrue(Pattern.compile("your weights:[\\s\\S]*?argmax is cat \\(the target\\)").matcher(below).find(), below);
    }

    @Test
    void logitsTheGuideCallsStableAreExplainedExactly() {
        // p(cat) underflows to 0 in doubles at these sizes; the loss is lse − z_y all the same
        String out = explain("--logits", "1000,0,-1000", "--target", "1");
        assertTrue(out.contains("= 1000.0000 − 0.0000 = 1000.0000 nats"), out);
        // e^−2000 = 10^−868.589 = 2.577e-869, beyond any double: shown from ln p
        assertTrue(hasRow(out, "ball", "-1000.0000", "2.577e-869", "2000.0000", "2885.3901"), out);
        assertTrue(out.contains("(p(cat) = 5.076e-435)"), out);
        assertTrue(out.contains("loss = −Σ q ln p = 1000.0000 nats (the tape: 1000.0000)"), out);
        assertTrue(out.contains("1000.0000 = 0.2911 + 999.7089 nats"), out);
        String beforeTheOverflowDemo = out.substring(0, out.indexOf("10. Log-sum-exp"));   // §10 shows Infinity on purpose
        assertTrue(!beforeTheOverflowDemo.contains("Infinity") && !beforeTheOverflowDemo.contains("NaN"), out);
        // 740 was the last size the old display survived, and it printed 739.9974 there
        String at740 = explain("--logits=740,0", "--target", "1");
        assertTrue(at740.contains("= 740.0000 − 0.0000 = 740.0000 nats"), at740);
        assertTrue(at740.contains("= 740.0000 / 2 = 370.0000   (CrossEntropy with Reduction.MEAN: 370.0000)"), at740);
        assertTrue(explain("--logits=1e4,-1e4,0").contains("= 10000.0000 − (-10000.0000) = 20000.0000 nats"));
        // ±1e30: every finite float is accepted, and nothing before the overflow demo is Infinity or NaN
        String huge = explain("--logits=1e30,-1e30,0", "--target", "2");
        String hugeBeforeTheDemo = huge.substring(0, huge.indexOf("10. Log-sum-exp"));
        assertTrue(!hugeBeforeTheDemo.contains("Infinity") && !hugeBeforeTheDemo.contains("NaN"), huge);
        assertTrue(huge.contains("(p(ball) = e^(-1.000e+30))"), huge);       // 10^(−4.3e29): past any printable exponent
        // the loss 1e30 is a float 7.6e22 from its neighbours: a step of 0.01 cannot move it, and explain says so
        assertTrue(huge.contains("finite differences cannot see this gradient: the loss 1.000e+30 is a float whose neighbours are 7.6e+22 away"), huge);
        assertTrue(!explain().contains("finite differences cannot see"));
    }

    @Test
    void theMoreConfidentExampleIsMoreConfidentThanThePrediction() {
        // p(dog) = e^5 / (e^5 + 2) = 0.9867: the example takes p halfway to 1, 0.9934, not 0.8
        String out = explain("--logits", "5,0,0", "--target", "0");
        assertTrue(out.contains("were p(dog) 0.9934 instead, the loss would be −ln 0.9934 = 0.0067"), out);
        assertTrue(!out.contains("−ln 0.8 ="), out);
    }

    /** Each example: its arguments, logits, target and weights as explain reads them. */
    private record Weighted(String[] args, float[] z, int target, float[] w) {}

    private static final Weighted[] WEIGHTED = {
        new Weighted(new String[] {}, new float[] {(float) Math.log(0.2), (float) Math.log(0.5), (float) Math.log(0.3)}, 1,
                new float[] {1f, 2f, 0.5f}),
        new Weighted(new String[] {"--weights", "3,0.25,1.5", "--target", "2"},
                new float[] {(float) Math.log(0.2), (float) Math.log(0.5), (float) Math.log(0.3)}, 2, new float[] {3f, 0.25f, 1.5f}),
        new Weighted(new String[] {"--logits", "0.5,-1,2,0", "--target", "0", "--weights", "1,4,0.5,2"},
                new float[] {0.5f, -1f, 2f, 0f}, 0, new float[] {1f, 4f, 0.5f, 2f}),
    };

    @Test
    void classWeightsShowMeanAndSumEachBesideWhatCrossEntropyComputes() {
        for (Weighted e : WEIGHTED) {
            String out = explain(e.args());
            // the section's batch: the example's logits twice, targets y and the next class
            int[] targets = {e.target(), (e.target() + 1) % e.z().length};
            float[] batch = twice(e.z());
            String sum = f4plain(weightedLoss(batch, targets, e.w(), Reduction.SUM));
            String mean = f4plain(weightedLoss(batch, targets, e.w(), Reduction.MEAN));
            assertTrue(out.contains("Reduction.SUM:  Σ_n w_y·(lse − z_y) = " + sum + "   (CrossEntropy with Reduction.SUM: " + sum + ")"), out);
            assertTrue(Pattern.compile("Reduction.MEAN: Σ_n w_y·\\(lse − z_y\\) / Σ_n w_y = " + Pattern.quote(sum) + " / [0-9.]+ = "
                    + Pattern.quote(mean + "   (CrossEntropy with Reduction.MEAN: " + mean + ")")).matcher(out).find(), out);
        }
        // no weight kept: the section says 0 / 0 is CrossEntropy's 0, not a quotient
        assertTrue(explain("--weights", "0,0,0").contains("= 0.0000 / 0 = 0.0000   (CrossEntropy with Reduction.MEAN: 0.0000) "
                + "(0 / 0: CrossEntropy gives 0 by convention, PyTorch NaN)"));
    }

    @Test
    void classWeightsScaleEveryEntryOfTheGradientByTheTargetsWeight() {
        String out = explain();
        assertTrue(out.contains("every entry is scaled by the same w_y = w_cat = 2"), out);
        assertTrue(out.contains("not by each class's own weight; MEAN also divides it by Σ_n w_y = 2.5"), out);
        // p − onehot, ×2, the tape under SUM, ÷2.5, the tape under MEAN
        assertTrue(hasRow(out, "dog", "0.2000", "0.4000", "0.4000", "0.1600", "0.1600"), out);
        assertTrue(hasRow(out, "cat", "-0.5000", "-1.0000", "-1.0000", "-0.4000", "-0.4000"), out);
        for (Weighted e : WEIGHTED) {
            String text = explain(e.args());
            int v = e.z().length, y = e.target(), next = (y + 1) % v;
            float[] batch = twice(e.z());
            float[] bySum = weightedGradient(batch, new int[] {y, next}, e.w(), Reduction.SUM);
            float[] byMean = weightedGradient(batch, new int[] {y, next}, e.w(), Reduction.MEAN);
            double[] p = softmax(e.z());
            String[] names = v == 3 ? new String[] {"dog", "cat", "ball"} : new String[] {"c0", "c1", "c2", "c3"};
            for (int i = 0; i < v; i++) {
                double d = p[i] - (i == y ? 1 : 0);
                assertTrue(hasRow(text, names[i], f4(d), f4(e.w()[y] * d), f4(bySum[i]), f4(e.w()[y] * d / (e.w()[y] + e.w()[next])),
                        f4(byMean[i])), text);
            }
        }
    }

    private static float[] twice(float[] z) {
        float[] batch = Arrays.copyOf(z, 2 * z.length);
        System.arraycopy(z, 0, batch, z.length, z.length);
        return batch;
    }

    private static float weightedLoss(float[] batch, int[] targets, float[] w, Reduction reduction) {
        return CrossEntropy.builder().classWeights(w).reduction(reduction).build()
                .apply(Tensor.of(batch, targets.length, batch.length / targets.length), targets).item();
    }

    /** Row 1's gradient (the first row of the batch) from the tape. */
    private static float[] weightedGradient(float[] batch, int[] targets, float[] w, Reduction reduction) {
        Tensor logits = Tensor.of(batch, targets.length, batch.length / targets.length).requiresGrad(true);
        try (Tape tape = Tape.start()) {
            CrossEntropy.builder().classWeights(w).reduction(reduction).build().apply(logits, targets).backward();
        }
        return Arrays.copyOf(logits.grad().toArray(), batch.length / targets.length);
    }

    @Test
    void theJacobianSectionIsDiagPMinusPPTransposeAndTheTapesJacobian() {
        // p = (0.2, 0.5, 0.3): J_ii = p_i − p_i², J_ij = −p_i·p_j
        String out = explain();
        assertTrue(hasRow(out, "dog", "0.1600", "-0.1000", "-0.0600"), out);
        assertTrue(hasRow(out, "cat", "-0.1000", "0.2500", "-0.1500"), out);
        assertTrue(hasRow(out, "ball", "-0.0600", "-0.1500", "0.2100"), out);
        assertTrue(out.contains("the tape's Jacobian (backward from each p_i): largest |difference| below 1e-6"), out);
    }

    @Test
    void naiveExponentialsOverflowWhereSubtractingTheMaxDoesNot() {
        String out = explain();
        assertTrue(hasRow(out, "cat", "999.3069", "Infinity", "NaN", "1.0000", "0.5000"), out);
        assertTrue(hasRow(out, "dog", "998.3906", "Infinity", "NaN", "0.4000", "0.2000"), out);
    }

    @Test
    void squaredErrorsGradientVanishesAndEqualsFiniteDifferences() {
        String out = explain();
        // each row: p, cross-entropy's p − 1, the squared error's gradient and its finite difference (equal to 5 digits)
        var rows = Pattern.compile("(?m)^\\s+([0-9.]+)\\s+(-[0-9.]+)\\s+(-[0-9.]+e-[0-9]+)\\s+(-[0-9.]+e-[0-9]+)$").matcher(out);
        int n = 0;
        double last = Double.NaN;
        while (rows.find()) {
            n++;
            assertEquals(rows.group(3), rows.group(4), rows.group());
            assertEquals(Double.parseDouble(rows.group(1)) - 1, Double.parseDouble(rows.group(2)), 1e-4, rows.group());
            last = Double.parseDouble(rows.group(3));
        }
        assertEquals(5, n, out);
        assertTrue(Math.abs(last) < 0.01, "at p = 0.001 squared error's gradient is near 0: " + last);
    }

    @Test
    void usersCanBringTheirOwnNumbers() {
        String out = explain("--logits", "2.0,1.0,0.1", "--target", "0", "--label-smoothing", "0.2", "--weights", "1,1,3",
                "--names", "a,b,c");
        // softmax(2, 1, 0.1) = (0.6590, 0.2424, 0.0986)
        assertTrue(hasRow(out, "a (true)", "2.0000", "0.6590", "0.4170", "0.6016"), out);
        assertTrue(out.contains("= 2.4170 − 2.0000 = 0.4170 nats   (p(a) = 0.6590)"), out);
    }

    @Test
    void traceAndDotShowTheTape(@TempDir Path tmp) throws IOException {
        Path dot = tmp.resolve("g.dot");
        String out = explain("--trace", "--dot", dot.toString());
        assertTrue(out.contains("#0 logSoftmax      dy = [0.0000, -1.0000, 0.0000]  →  gradient of z = [0.2000, -0.5000, 0.3000]"), out);
        assertTrue(out.contains("#1 gather(#0 [1, 3]) -> [1, 1]"), out);
        String graph = Files.readString(dot);
        assertTrue(graph.startsWith("digraph tape {") && graph.contains("op0 -> op1;"), graph);
    }

    @Test
    void theTraceShowsTheMinusOneOfTheScalarMultiply() {
        String out = explain("--trace");
        assertTrue(out.contains("#2 mulScalar[c=-1] dy = [1.0000]  →  gradient of #1 = [-1.0000]"), out);
        assertTrue(out.contains("#2 mulScalar[c=-1](#1 [1, 1]) -> [1, 1]"), out);
    }

    @Test
    void badNumbersAreExplained() {
        CliErrorsTest.fails(2, "--target 5 is not a class index 0..2", "explain", "--target", "5");
        CliErrorsTest.fails(2, "--logits", "explain", "--logits", "1,x,3");
        CliErrorsTest.fails(2, "--weights gives 2 weights for 3 classes", "explain", "--weights", "1,2");
    }
}
