package dev.minitape.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;

/**
 * Reading the PyTorch parity fixtures under core/src/test/resources/fixtures (each written by the
 * generate.py beside it) and comparing minitape's results with them.
 */
public final class TorchFixtures {
    private TorchFixtures() {}

    /** Parses a fixture resource (e.g. "/fixtures/ops/ops.json"), keeping floats exact; fails if it is missing. */
    public static JsonNode load(String resource) {
        try (InputStream in = TorchFixtures.class.getResourceAsStream(resource)) {
            String generator = "core/src/test/resources" + resource.substring(0, resource.lastIndexOf('/')) + "/generate.py";
            assertNotNull(in, resource + " is missing; run " + generator);
            return new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture's "cases" array as a stream. */
    public static Stream<JsonNode> cases(JsonNode fixture) {
        return StreamSupport.stream(fixture.get("cases").spliterator(), false);
    }

    /** One dynamic test per case, named "name: torch call", running {@code check} on it. */
    public static Stream<DynamicTest> dynamicTests(Stream<JsonNode> cases, Consumer<JsonNode> check) {
        return cases.map(c -> DynamicTest.dynamicTest(
                c.get("name").asText() + ": " + c.get("torch").asText(), () -> check.accept(c)));
    }

    /** A float32 tensor from {"shape": [...], "values": [...]}; values are parsed from their exact text. */
    public static Tensor tensor(JsonNode t) {
        return new Tensor(floats(t.get("values")), ints(t.get("shape")));   // not Tensor.of: a 0-dim shape must stay 0-dim
    }

    /** A JSON array of numbers as float32 values, each parsed from its exact text. */
    public static float[] floats(JsonNode values) {
        float[] d = new float[values.size()];
        for (int i = 0; i < d.length; i++) d[i] = f32(values.get(i));
        return d;
    }

    /** A float32 value parsed from its exact text. */
    public static float f32(JsonNode v) {
        return Float.parseFloat(v.asText());
    }

    /** A float64 reference value; NaN is stored as the string "NaN" (JSON has no NaN). */
    public static double f64(JsonNode v) {
        return Double.parseDouble(v.asText());
    }

    /** A JSON array of integers. */
    public static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    /** The row-major index of element {@code flat} of a tensor of the given shape. */
    public static int[] unflatten(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Fails listing the first 12 failures, if there are any; {@code context} goes in parentheses in the header. */
    public static void failIfAny(List<String> failures, String context) {
        if (failures.isEmpty()) return;
        int shown = Math.min(failures.size(), 12);
        fail(failures.size() + " element(s) disagree with PyTorch (" + context + "):\n  "
                + String.join("\n  ", failures.subList(0, shown)) + (shown < failures.size() ? "\n  ..." : ""));
    }

    /**
     * Compares tensors with fixture values within atol + rtol·|expected| and records the worst errors seen:
     * the largest |diff|, the largest |diff|/tolerance, and the largest |diff| relative to the plain tolerance
     * (the constructor's atol, for comparisons that loosen it). Thread-safe; one per test class.
     */
    public static final class Parity {
        private final double atol, rtol;
        private final boolean toleranceInMessages;
        private double maxAbs, maxRatio, maxPlainRatio;
        private String maxAbsAt = "-", maxRatioAt = "-", maxPlainRatioAt = "-";

        /** The plain tolerance atol + rtol·|expected|; {@code toleranceInMessages} adds each element's tolerance to its failure. */
        public Parity(double atol, double rtol, boolean toleranceInMessages) {
            this.atol = atol;
            this.rtol = rtol;
            this.toleranceInMessages = toleranceInMessages;
        }

        /** {@link #compare(String, Tensor, JsonNode, double, List)} with the plain atol. */
        public void compare(String label, Tensor actual, JsonNode expected, List<String> failures) {
            compare(label, actual, expected, atol, failures);
        }

        /**
         * Asserts that {@code actual} has the shape and element count of {@code expected} ({"shape", "values"}),
         * and adds a failure for each element outside atol + rtol·|expected| (NaN is never within).
         */
        public void compare(String label, Tensor actual, JsonNode expected, double atol, List<String> failures) {
            int[] shape = ints(expected.get("shape"));
            assertArrayEquals(shape, actual.shape(), label + ": shape");
            float[] a = actual.toArray();
            JsonNode values = expected.get("values");
            assertEquals(values.size(), a.length, label + ": element count");
            for (int i = 0; i < a.length; i++) {
                double b = f64(values.get(i)), diff = Math.abs(a[i] - b);
                double tol = atol + rtol * Math.abs(b), plain = this.atol + rtol * Math.abs(b);
                String at = label + " at " + Arrays.toString(unflatten(i, shape));
                record(at, diff, tol, plain);
                if (!(diff <= tol)) {
                    failures.add(at + ": minitape " + a[i] + ", PyTorch " + b + " (|diff| " + String.format("%.3g", diff)
                            + (toleranceInMessages ? ", tolerance " + String.format("%.3g", tol) : "") + ")");
                }
            }
        }

        private synchronized void record(String at, double diff, double tol, double plain) {
            if (diff > maxAbs) { maxAbs = diff; maxAbsAt = at; }
            if (diff / tol > maxRatio) { maxRatio = diff / tol; maxRatioAt = at; }
            if (diff / plain > maxPlainRatio) { maxPlainRatio = diff / plain; maxPlainRatioAt = at; }
        }

        /** "max |diff| … at …; max |diff|/tol … at …". */
        @Override
        public synchronized String toString() {
            return String.format("max |diff| %.3g at %s; max |diff|/tol %.3g at %s", maxAbs, maxAbsAt, maxRatio, maxRatioAt);
        }

        /** "max |diff|/(atol + rtol·|torch|) … at …", the worst error against the plain tolerance. */
        public synchronized String plainSummary() {
            return String.format("max |diff|/(%.0e + %.0e·|torch|) %.3g at %s", atol, rtol, maxPlainRatio, maxPlainRatioAt);
        }
    }
}
