package dev.minitape.core;

import static dev.minitape.core.TorchFixtures.f64;
import static dev.minitape.core.TorchFixtures.floats;
import static dev.minitape.core.TorchFixtures.ints;
import static dev.minitape.core.TorchFixtures.tensor;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Loss and logits-gradient parity of {@link CrossEntropy} with PyTorch's {@code F.cross_entropy}. Each case
 * in fixtures/crossentropy/crossentropy.json (written by generate.py beside it; PyTorch 1.13, float64
 * from float32 inputs) gives the logits, the targets (class indices or soft probabilities), the options,
 * the loss, and the gradient of the logits: of the loss for MEAN and SUM, of L = Σ loss ⊙ R for NONE.
 * Cases whose source is "extension" (SEQUENCE_MEAN, z-loss) were built by the generator from PyTorch
 * float64 primitives following CrossEntropyKernel's header.
 *
 * <p>Minitape must agree within float32 tolerance: |minitape − torch| ≤ ATOL + RTOL·|torch|. For the loss
 * of cases whose logits reach LARGE_LOGIT in size (the ±1e4 rows), the absolute part scales with the
 * logits: RTOL·max|z|. Gradients keep the plain tolerance everywhere.
 *
 * <p>One deliberate difference: with every target ignored, PyTorch's MEAN is NaN and minitape's is 0 with a
 * zero gradient (Reduction.MEAN's javadoc). Such a case carries an "expected_minitape" override; the test
 * checks minitape against it and checks that PyTorch's recorded loss really is NaN.
 */
class CrossEntropyTorchParityTest {
    private static final double ATOL = 1e-5, RTOL = 1e-5, LARGE_LOGIT = 1e3;
    private static final String FIXTURE = "/fixtures/crossentropy/crossentropy.json";

    /**
     * Compares with ATOL + RTOL·|torch| (or a loss's scaled atol); records the largest |diff| and |diff|/tolerance,
     * and |diff|/(ATOL + RTOL·|torch|) ignoring the logit scale, printed after the run.
     */
    private static final TorchFixtures.Parity PARITY = new TorchFixtures.Parity(ATOL, RTOL, true);

    private static JsonNode fixture;

    private static synchronized JsonNode fixture() {
        if (fixture == null) fixture = TorchFixtures.load(FIXTURE);
        return fixture;
    }

    private static Stream<JsonNode> cases() {
        return TorchFixtures.cases(fixture());
    }

    @Test
    void fixtureHasAtLeastFortyUniquelyNamedCases() {
        Set<String> names = new TreeSet<>();
        cases().forEach(c -> assertTrue(names.add(c.get("name").asText()), "duplicate case name " + c.get("name")));
        assertTrue(names.size() >= 40, FIXTURE + " has only " + names.size() + " cases (expected at least 40)");
    }

    @Test
    void fixtureCoversEveryOptionAndEdge() {
        Set<String> seen = new TreeSet<>();
        cases().forEach(c -> seen.addAll(features(c)));
        Set<String> wanted = new TreeSet<>(List.of(
                "reduction:mean", "reduction:sum", "reduction:none", "reduction:sequence_mean",
                "layout:(N,V)", "layout:(B,T,V)", "targets:class", "targets:soft",
                "smoothing:0.1", "smoothing:0.3", "smoothing:1.0", "weights", "zero weights",
                "ignore:-100", "ignore:custom", "all ignored", "all ignored, mean, NaN in PyTorch",
                "sequence ignored", "z-loss",
                "logits ±1e4", "row spread > 88", "all-equal row", "V = 1", "V ≥ 8192"));
        for (String r : List.of("mean", "sum", "none")) {
            for (String f : List.of("targets:soft", "smoothing", "weights", "ignore", "all ignored", "extreme", "layout:(N,V)",
                    "layout:(B,T,V)")) {
                wanted.add(r + " × " + f);
            }
        }
        Set<String> missing = new TreeSet<>(wanted);
        missing.removeAll(seen);
        assertTrue(missing.isEmpty(), FIXTURE + " does not cover " + missing);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPyTorch() {
        return TorchFixtures.dynamicTests(cases(), CrossEntropyTorchParityTest::check);
    }

    @AfterAll
    static void printMaxErrors() {
        System.out.printf("CrossEntropyTorchParityTest: %s; %s%n", PARITY, PARITY.plainSummary());
    }

    // ---- one case ------------------------------------------------------------------------------------

    private static void check(JsonNode c) {
        String what = c.get("name").asText();
        Tensor logits = tensor(c.get("logits")).requiresGrad(true);
        CrossEntropy ce = crossEntropy(c);
        JsonNode expectedLoss = c.get("loss"), expectedGrad = c.get("grad");
        JsonNode override = c.get("expected_minitape");
        if (override != null && !override.isNull()) {
            // The documented difference: PyTorch's mean over no kept target is NaN, minitape's is 0.
            for (JsonNode v : expectedLoss.get("values")) {
                assertTrue(Double.isNaN(f64(v)), what + ": PyTorch's recorded loss should be NaN, got " + v);
            }
            expectedLoss = override.get("loss");
            expectedGrad = override.get("grad");
        }
        double lossAtol = maxAbs(logits.data()) >= LARGE_LOGIT ? RTOL * maxAbs(logits.data()) : ATOL;
        List<String> failures = new ArrayList<>();
        try (Tape tape = Tape.start()) {
            JsonNode soft = c.get("soft_targets");
            Tensor loss = soft != null && !soft.isNull()
                    ? ce.apply(logits, tensor(soft))
                    : ce.apply(logits, ints(c.get("targets")));
            PARITY.compare(what + " loss", loss, expectedLoss, lossAtol, failures);
            JsonNode r = c.get("R");
            (r != null && !r.isNull() ? loss.mul(tensor(r)).sum() : loss).backward();
        }
        Tensor g = logits.grad();
        PARITY.compare(what + " grad", g != null ? g : Tensor.zeros(logits.shape()), expectedGrad, ATOL, failures);
        TorchFixtures.failIfAny(failures, c.get("torch").asText());
    }

    /** The CrossEntropy the case's PyTorch call corresponds to. */
    private static CrossEntropy crossEntropy(JsonNode c) {
        CrossEntropy.Builder b = CrossEntropy.builder()
                .ignoreIndex(c.get("ignore_index").asInt())
                .labelSmoothing(c.get("label_smoothing").doubleValue())
                .reduction(Reduction.valueOf(c.get("reduction").asText().toUpperCase(Locale.ROOT)))
                .zLoss(c.get("z_loss").doubleValue());
        JsonNode w = c.get("weights");
        if (w != null && !w.isNull()) b.classWeights(floats(w));
        return b.build();
    }

    // ---- what a case covers --------------------------------------------------------------------------

    /** The options and edges a case exercises, read from its data (not from its name). */
    private static Set<String> features(JsonNode c) {
        Set<String> f = new TreeSet<>();
        String reduction = c.get("reduction").asText();
        int[] shape = ints(c.get("logits").get("shape"));
        int v = shape[shape.length - 1];
        boolean soft = c.hasNonNull("soft_targets");
        List<String> local = new ArrayList<>();
        local.add("layout:" + (shape.length == 2 ? "(N,V)" : "(B,T,V)"));
        if (soft) local.add("targets:soft");
        f.add("targets:" + (soft ? "soft" : "class"));
        double eps = c.get("label_smoothing").doubleValue();
        if (eps > 0) {
            local.add("smoothing");
            f.add("smoothing:" + eps);
        }
        if (c.hasNonNull("weights")) {
            local.add("weights");
            for (float w : floats(c.get("weights"))) if (w == 0f) f.add("zero weights");
        }
        if (c.get("z_loss").doubleValue() > 0) f.add("z-loss");
        if (!soft) {
            int ignore = c.get("ignore_index").asInt();
            int[] y = ints(c.get("targets"));
            long ignored = Arrays.stream(y).filter(t -> t == ignore).count();
            if (ignored > 0 && ignored < y.length) {
                local.add("ignore");
                f.add(ignore == -100 ? "ignore:-100" : "ignore:custom");
            }
            if (ignored == y.length) {
                local.add("all ignored");
                if (reduction.equals("mean") && c.hasNonNull("expected_minitape")
                        && Double.isNaN(f64(c.get("loss").get("values").get(0)))) {
                    f.add("all ignored, mean, NaN in PyTorch");
                }
            }
            if (reduction.equals("sequence_mean")) {
                int t = shape[1];
                for (int b = 0; b < shape[0]; b++) {
                    boolean all = true;
                    for (int i = 0; i < t; i++) all &= y[b * t + i] == ignore;
                    if (all) f.add("sequence ignored");
                }
            }
        }
        float[] z = floats(c.get("logits").get("values"));
        boolean extreme = false;
        for (int r = 0; r < z.length / v; r++) {
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < v; j++) {
                lo = Math.min(lo, z[r * v + j]);
                hi = Math.max(hi, z[r * v + j]);
            }
            if (Math.max(Math.abs(lo), Math.abs(hi)) >= 1e4f) { f.add("logits ±1e4"); extreme = true; }
            if (hi - lo > 88f) { f.add("row spread > 88"); extreme = true; }
            if (v > 1 && hi == lo) { f.add("all-equal row"); extreme = true; }
        }
        if (v == 1) f.add("V = 1");
        if (v >= 8192) f.add("V ≥ 8192");
        if (extreme) local.add("extreme");
        f.add("reduction:" + reduction);
        f.addAll(local);
        for (String l : local) f.add(reduction + " × " + l);
        return f;
    }

    /** The largest |x|, which sets the loss tolerance of cases with huge logits. */
    private static double maxAbs(float[] x) {
        double m = 0;
        for (float v : x) m = Math.max(m, Math.abs(v));
        return m;
    }
}
