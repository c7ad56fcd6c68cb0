package dev.minitape.core.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Forward and gradient parity with PyTorch. Each case in fixtures/ops/ops.json (written by generate.py
 * beside it; PyTorch 1.13, float64 from float32 inputs) gives an op's inputs, its output and the
 * gradient of every input for L = Σ output ⊙ R. Minitape must agree within float32 tolerance:
 * |minitape − torch| ≤ ATOL + RTOL·|torch|.
 */
class TorchParityTest {
    private static final double ATOL = 1e-5, RTOL = 1e-5;
    private static final String FIXTURE = "/fixtures/ops/ops.json";

    /** Every op the fixture must cover (minitape names; the scalar and all-element forms are separate). */
    private static final Set<String> OPS = Set.of(
            "add", "sub", "mul", "div", "neg", "addScalar", "mulScalar", "divScalar", "pow",
            "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "gelu",
            "sumAll", "meanAll", "maxAll", "sum", "mean", "max",
            "reshape", "transpose", "permute", "matmul", "softmax", "logSoftmax",
            "gather", "indexSelect", "concat", "slice", "maskedFill");

    /** Largest |diff| and |diff|/(ATOL + RTOL·|torch|) seen, printed after the run. */
    private static double maxAbs, maxRatio;
    private static String maxAbsAt = "-", maxRatioAt = "-";

    private static JsonNode fixture() {
        try (InputStream in = TorchParityTest.class.getResourceAsStream(FIXTURE)) {
            assertNotNull(in, FIXTURE + " is missing; run core/src/test/resources/fixtures/ops/generate.py");
            return new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<JsonNode> cases() {
        return StreamSupport.stream(fixture().get("cases").spliterator(), false);
    }

    @Test
    void fixtureHasACaseForEveryOp() {
        Set<String> seen = new TreeSet<>(), names = new TreeSet<>();
        cases().forEach(c -> {
            seen.add(c.get("op").asText());
            assertTrue(names.add(c.get("name").asText()), "duplicate case name " + c.get("name"));
        });
        Set<String> missing = new TreeSet<>(OPS);
        missing.removeAll(seen);
        assertTrue(missing.isEmpty(), FIXTURE + " has no case for " + missing);
        Set<String> unknown = new TreeSet<>(seen);
        unknown.removeAll(OPS);
        assertTrue(unknown.isEmpty(), FIXTURE + " has cases for ops this test does not know: " + unknown);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPyTorch() {
        return cases().map(c -> DynamicTest.dynamicTest(
                c.get("name").asText() + ": " + c.get("torch").asText(), () -> check(c)));
    }

    @AfterAll
    static void printMaxErrors() {
        System.out.printf("TorchParityTest: max |diff| %.3g at %s; max |diff|/tol %.3g at %s%n",
                maxAbs, maxAbsAt, maxRatio, maxRatioAt);
    }

    // ---- one case ------------------------------------------------------------------------------------

    private static void check(JsonNode c) {
        String what = c.get("name").asText() + " [" + c.get("torch").asText() + "]";
        List<Tensor> inputs = new ArrayList<>();
        for (JsonNode in : c.get("inputs")) inputs.add(tensor(in).requiresGrad(true));
        List<String> failures = new ArrayList<>();
        try (Tape tape = Tape.start()) {
            Tensor y = apply(c.get("op").asText(), c.get("params"), c.get("ints"), inputs);
            compare(what + " output", y, c.get("output"), failures);
            y.mul(tensor(c.get("R"))).sum().backward();
            JsonNode grads = c.get("grads");
            for (int i = 0; i < inputs.size(); i++) {
                Tensor x = inputs.get(i), g = x.grad();
                JsonNode expected = grads.get(i);
                String label = what + " grad of " + expected.get("name").asText();
                compare(label, g != null ? g : Tensor.zeros(x.shape()), expected, failures);
            }
        }
        if (!failures.isEmpty()) {
            int shown = Math.min(failures.size(), 12);
            fail(failures.size() + " element(s) disagree with PyTorch (tolerance " + ATOL + " + " + RTOL + "·|torch|):\n  "
                    + String.join("\n  ", failures.subList(0, shown)) + (shown < failures.size() ? "\n  ..." : ""));
        }
    }

    /** Runs op the way the fixture's PyTorch call did. */
    private static Tensor apply(String op, JsonNode p, JsonNode ints, List<Tensor> in) {
        Tensor x = in.get(0);
        return switch (op) {
            case "add" -> x.add(in.get(1));
            case "sub" -> x.sub(in.get(1));
            case "mul" -> x.mul(in.get(1));
            case "div" -> x.div(in.get(1));
            case "neg" -> x.neg();
            case "addScalar" -> x.add(f32(p.get("c")));
            case "mulScalar" -> x.mul(f32(p.get("c")));
            case "divScalar" -> x.div(f32(p.get("c")));
            case "pow" -> x.pow(f32(p.get("e")));
            case "exp" -> x.exp();
            case "log" -> x.log();
            case "sqrt" -> x.sqrt();
            case "tanh" -> x.tanh();
            case "sigmoid" -> x.sigmoid();
            case "relu" -> x.relu();
            case "gelu" -> x.gelu();
            case "sumAll" -> x.sum();
            case "meanAll" -> x.mean();
            case "maxAll" -> x.max();
            case "sum" -> x.sum(p.get("dim").asInt(), p.get("keepDim").asBoolean());
            case "mean" -> x.mean(p.get("dim").asInt(), p.get("keepDim").asBoolean());
            case "max" -> x.max(p.get("dim").asInt(), p.get("keepDim").asBoolean());
            case "reshape" -> x.reshape(ints(p.get("shape")));
            case "transpose" -> x.transpose(p.get("d0").asInt(), p.get("d1").asInt());
            case "permute" -> x.permute(ints(p.get("order")));
            case "slice" -> x.slice(p.get("dim").asInt(), p.get("start").asInt(), p.get("end").asInt());
            case "concat" -> Tensor.concat(p.get("dim").asInt(), in.toArray(Tensor[]::new));
            case "matmul" -> x.matmul(in.get(1));
            case "softmax" -> x.softmax(p.get("dim").asInt());
            case "logSoftmax" -> x.logSoftmax(p.get("dim").asInt());
            case "gather" -> x.gather(p.get("dim").asInt(), ints(ints.get("index")));
            case "indexSelect" -> x.indexSelect(p.get("dim").asInt(), ints(ints.get("index")));
            case "maskedFill" -> x.maskedFill(tensor(p.get("mask")), f32(p.get("value")));
            default -> throw new IllegalArgumentException("TorchParityTest: unknown op '" + op + "' in " + FIXTURE);
        };
    }

    private static void compare(String label, Tensor actual, JsonNode expected, List<String> failures) {
        int[] shape = ints(expected.get("shape"));
        assertArrayEquals(shape, actual.shape(), label + ": shape");
        float[] a = actual.toArray();
        JsonNode values = expected.get("values");
        assertEquals(values.size(), a.length, label + ": element count");
        for (int i = 0; i < a.length; i++) {
            double b = values.get(i).doubleValue(), diff = Math.abs(a[i] - b), tol = ATOL + RTOL * Math.abs(b);
            String at = label + " at " + Arrays.toString(unflatten(i, shape));
            synchronized (TorchParityTest.class) {
                if (diff > maxAbs) { maxAbs = diff; maxAbsAt = at; }
                if (diff / tol > maxRatio) { maxRatio = diff / tol; maxRatioAt = at; }
            }
            if (!(diff <= tol)) {
                failures.add(at + ": minitape " + a[i] + ", PyTorch " + b + " (|diff| " + String.format("%.3g", diff) + ")");
            }
        }
    }

    // ---- reading the fixture -------------------------------------------------------------------------

    /** A float32 tensor from {"shape": [...], "values": [...]}; values are parsed from their exact text. */
    private static Tensor tensor(JsonNode t) {
        JsonNode values = t.get("values");
        float[] d = new float[values.size()];
        for (int i = 0; i < d.length; i++) d[i] = f32(values.get(i));
        return new Tensor(d, ints(t.get("shape")));   // not Tensor.of: a 0-dim shape must stay 0-dim
    }

    private static float f32(JsonNode v) {
        return Float.parseFloat(v.asText());
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    private static int[] unflatten(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
