package dev.minitape.nn;

import static dev.minitape.nn.LayerFixtures.ints;
import static dev.minitape.nn.LayerFixtures.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Each layer's forward and backward against PyTorch. Each case in fixtures/layers/layers.json (written by
 * generate.py beside it: PyTorch 1.13, float64 from float32 values, functional code mirroring minitape's
 * formulas and checked there against torch.nn.MultiheadAttention) gives a layer's configuration, inputs,
 * every parameter by its dotted name, the output, and the gradients of the inputs and of every parameter
 * for L = Σ output ⊙ R. The minitape layer, built with any Rng and then given the fixture's parameters,
 * must agree within float32 tolerance: |minitape − torch| ≤ 1e-5 + 1e-5·|torch|.
 */
class LayerParityTest {
    private static final double ATOL = 1e-5, RTOL = 1e-5;
    private static final String FIXTURE = "/fixtures/layers/layers.json";
    private static final Set<String> LAYERS = Set.of("Linear", "Embedding", "LayerNorm", "Mlp", "MultiHeadAttention",
            "TransformerBlock", "EncoderBlock", "DecoderBlock");

    private static final LayerFixtures.Parity ALL = new LayerFixtures.Parity(ATOL, RTOL);
    private static final Map<String, String> PER_CASE = new ConcurrentSkipListMap<>();

    private static Stream<JsonNode> cases() {
        return LayerFixtures.cases(LayerFixtures.load(FIXTURE));
    }

    @Test
    void fixtureCoversEveryLayer() {
        Set<String> seen = new TreeSet<>(), names = new TreeSet<>();
        cases().forEach(c -> {
            seen.add(c.get("layer").asText());
            assertTrue(names.add(c.get("name").asText()), "duplicate case name " + c.get("name"));
        });
        assertEquals(new TreeSet<>(LAYERS), seen, FIXTURE + " must have a case for each layer and no others");
    }

    @TestFactory
    Stream<DynamicTest> everyLayerMatchesPyTorch() {
        return cases().map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
    }

    @AfterAll
    static void printMaxErrors() {
        PER_CASE.forEach((name, summary) -> System.out.printf("LayerParityTest  %-80s %s%n", name, summary));
        System.out.printf("LayerParityTest: %s%n", ALL);
    }

    // ---- one case ------------------------------------------------------------------------------------

    private static void check(JsonNode c) {
        String what = c.get("name").asText();
        JsonNode config = c.get("config");
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        c.get("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), tensor(e.getValue()).requiresGrad(true)));
        Map<String, Tensor> masks = new LinkedHashMap<>();
        c.get("masks").fields().forEachRemaining(e -> masks.put(e.getKey(), tensor(e.getValue())));

        Module layer = build(c.get("layer").asText(), config, new Rng(7));
        Map<String, Parameter> params = layer.namedParameters();
        assertEquals(new TreeSet<>(fieldNames(c.get("params"))), new TreeSet<>(params.keySet()),
                what + ": the fixture's parameter names vs the layer's");
        c.get("params").fields().forEachRemaining(e -> {
            Parameter p = params.get(e.getKey());
            assertArrayEquals(ints(e.getValue().get("shape")), p.shape(), what + ": shape of " + e.getKey());
            p.set(LayerFixtures.floats(e.getValue().get("values")));
        });

        LayerFixtures.Parity parity = new LayerFixtures.Parity(ATOL, RTOL);
        List<String> failures = new ArrayList<>();
        try (Tape tape = Tape.start()) {
            Tensor y = forward(layer, c, inputs, masks);
            compare(parity, what + " output", y, c.get("output"), failures);
            y.mul(tensor(c.get("R"))).sum().backward();
        }
        JsonNode grads = c.get("grads");
        Set<String> expectedGrads = new TreeSet<>(inputs.keySet());
        expectedGrads.addAll(params.keySet());
        assertEquals(expectedGrads, new TreeSet<>(fieldNames(grads)), what + ": gradients in the fixture");
        Map<String, Tensor> all = new LinkedHashMap<>(inputs);
        all.putAll(params);
        all.forEach((name, t) -> {
            Tensor g = t.grad() != null ? t.grad() : Tensor.zeros(t.shape());
            compare(parity, what + " grad of " + name, g, grads.get(name), failures);
        });
        if (layer instanceof Embedding e) {                                // PyTorch's padding_idx: that row gets no gradient
            int pad = config.get("padding").asInt(), dim = config.get("dim").asInt();
            float[] g = e.weight.gradData();
            for (int i = pad * dim; i < (pad + 1) * dim; i++) assertEquals(0f, g[i], what + ": padding row gradient");
        }
        PER_CASE.put(what, parity.toString().replace(what + " ", ""));
        LayerFixtures.failIfAny(failures, what + "; tolerance " + ATOL + " + " + RTOL + "·|torch|");
    }

    private static void compare(LayerFixtures.Parity parity, String label, Tensor actual, JsonNode expected, List<String> failures) {
        parity.compare(label, actual, expected, failures);
        ALL.compare(label, actual, expected, new ArrayList<>());
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The minitape layer for a case, with dropout 0 (its parameters are overwritten afterwards). */
    private static Module build(String layer, JsonNode cfg, Rng rng) {
        return switch (layer) {
            case "Linear" -> new Linear(cfg.get("in").asInt(), cfg.get("out").asInt(), cfg.get("bias").asBoolean(), rng);
            case "Embedding" -> new Embedding(cfg.get("count").asInt(), cfg.get("dim").asInt(), cfg.get("padding").asInt(), rng);
            case "LayerNorm" -> new LayerNorm(cfg.get("dim").asInt());
            case "Mlp" -> new Mlp(cfg.get("dim").asInt(), cfg.get("hidden").asInt(), 0f, rng);
            case "MultiHeadAttention" -> new MultiHeadAttention(cfg.get("dim").asInt(), cfg.get("heads").asInt(), 0f,
                    cfg.get("cross").asBoolean() ? MultiHeadAttention.Kind.CROSS : MultiHeadAttention.Kind.SELF, rng);
            case "TransformerBlock" -> new TransformerBlock(cfg.get("dim").asInt(), cfg.get("heads").asInt(), 0f, rng);
            case "EncoderBlock" -> new EncoderBlock(cfg.get("dim").asInt(), cfg.get("heads").asInt(), 0f, rng);
            case "DecoderBlock" -> new DecoderBlock(cfg.get("dim").asInt(), cfg.get("heads").asInt(), 0f, rng);
            default -> throw new IllegalArgumentException("LayerParityTest: unknown layer '" + layer + "' in " + FIXTURE);
        };
    }

    /** Runs the layer the way the fixture's PyTorch code did. */
    private static Tensor forward(Module layer, JsonNode c, Map<String, Tensor> in, Map<String, Tensor> masks) {
        JsonNode cfg = c.get("config");
        if (layer instanceof Embedding e) {
            JsonNode ids = c.get("ids").get("ids");
            return e.forward(ints(ids.get("values")), ints(ids.get("shape")));
        }
        if (layer instanceof Layer l) return l.forward(in.get("x"));
        if (layer instanceof MultiHeadAttention m) {
            if (in.containsKey("memory")) return m.crossAttention(in.get("x"), in.get("memory"), masks.get("keyPadding"), null);
            var causality = cfg.get("causal").asBoolean() ? MultiHeadAttention.Causality.CAUSAL : MultiHeadAttention.Causality.BIDIRECTIONAL;
            return m.selfAttention(in.get("x"), causality, masks.get("keyPadding"));
        }
        if (layer instanceof TransformerBlock b) return b.forward(in.get("x"), null);
        if (layer instanceof EncoderBlock b) return b.forward(in.get("x"), masks.get("padding"));
        if (layer instanceof DecoderBlock b) return b.forward(in.get("x"), in.get("memory"), masks.get("memoryPadding"), null, null);
        throw new IllegalArgumentException("LayerParityTest: no forward for " + layer.getClass().getSimpleName());
    }
}
