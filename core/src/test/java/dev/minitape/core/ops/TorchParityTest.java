package dev.minitape.core.ops;

import static dev.minitape.core.TorchFixtures.f32;
import static dev.minitape.core.TorchFixtures.ints;
import static dev.minitape.core.TorchFixtures.tensor;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.core.TorchFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
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

    /** Compares with ATOL + RTOL·|torch|; records the largest |diff| and |diff|/tolerance, printed after the run. */
    private static final TorchFixtures.Parity PARITY = new TorchFixtures.Parity(ATOL, RTOL, false);

    private static Stream<JsonNode> cases() {
        return TorchFixtures.cases(TorchFixtures.load(FIXTURE));
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
        return TorchFixtures.dynamicTests(cases(), TorchParityTest::check);
    }

    @AfterAll
    static void printMaxErrors() {
        System.out.printf("TorchParityTest: %s%n", PARITY);
    }

    // ---- one case ------------------------------------------------------------------------------------

    private static void check(JsonNode c) {
        String what = c.get("name").asText() + " [" + c.get("torch").asText() + "]";
        List<Tensor> inputs = new ArrayList<>();
        for (JsonNode in : c.get("inputs")) inputs.add(tensor(in).requiresGrad(true));
        List<String> failures = new ArrayList<>();
        try (Tape tape = Tape.start()) {
            Tensor y = apply(c.get("op").asText(), c.get("params"), c.get("ints"), inputs);
            PARITY.compare(what + " output", y, c.get("output"), failures);
            y.mul(tensor(c.get("R"))).sum().backward();
            JsonNode grads = c.get("grads");
            for (int i = 0; i < inputs.size(); i++) {
                Tensor x = inputs.get(i), g = x.grad();
                JsonNode expected = grads.get(i);
                String label = what + " grad of " + expected.get("name").asText();
                PARITY.compare(label, g != null ? g : Tensor.zeros(x.shape()), expected, failures);
            }
        }
        TorchFixtures.failIfAny(failures, "tolerance " + ATOL + " + " + RTOL + "·|torch|");
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
}
