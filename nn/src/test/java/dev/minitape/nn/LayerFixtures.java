package dev.minitape.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minitape.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reading the PyTorch layer fixtures under nn/src/test/resources/fixtures (each written by the
 * generate.py beside it) and comparing minitape's tensors with them. A small counterpart of core's
 * TorchFixtures (core's test classes are not on nn's test classpath).
 */
final class LayerFixtures {
    private LayerFixtures() {}

    /** Parses a fixture resource (e.g. "/fixtures/layers/layers.json"), keeping numbers exact; fails if it is missing. */
    static JsonNode load(String resource) {
        try (InputStream in = LayerFixtures.class.getResourceAsStream(resource)) {
            String generator = "nn/src/test/resources" + resource.substring(0, resource.lastIndexOf('/')) + "/generate.py";
            assertNotNull(in, resource + " is missing; run /usr/bin/python3 " + generator);
            return new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture's "cases" array as a stream. */
    static Stream<JsonNode> cases(JsonNode fixture) {
        return StreamSupport.stream(fixture.get("cases").spliterator(), false);
    }

    /** A float32 tensor from {"shape": [...], "values": [...]}, each value parsed from its exact text. */
    static Tensor tensor(JsonNode t) {
        return new Tensor(floats(t.get("values")), ints(t.get("shape")));
    }

    static float[] floats(JsonNode values) {
        float[] d = new float[values.size()];
        for (int i = 0; i < d.length; i++) d[i] = Float.parseFloat(values.get(i).asText());
        return d;
    }

    static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    /** The row-major index of element {@code flat} of a tensor of the given shape. */
    static int[] unflatten(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Fails listing the first 12 failures, if there are any. */
    static void failIfAny(List<String> failures, String context) {
        if (failures.isEmpty()) return;
        int shown = Math.min(failures.size(), 12);
        fail(failures.size() + " element(s) disagree with PyTorch (" + context + "):\n  "
                + String.join("\n  ", failures.subList(0, shown)) + (shown < failures.size() ? "\n  ..." : ""));
    }

    /**
     * Compares tensors with float64 fixture values within atol + rtol·|expected|, recording the worst
     * |diff| and |diff|/tolerance seen (thread-safe; one per test class).
     */
    static final class Parity {
        final double atol, rtol;
        private double maxAbs, maxRatio;
        private String maxAbsAt = "-", maxRatioAt = "-";

        Parity(double atol, double rtol) {
            this.atol = atol;
            this.rtol = rtol;
        }

        /** Asserts the shape, and adds a failure for every element outside the tolerance (NaN never is within). */
        void compare(String label, Tensor actual, JsonNode expected, List<String> failures) {
            int[] shape = ints(expected.get("shape"));
            assertArrayEquals(shape, actual.shape(), label + ": shape");
            float[] a = actual.toArray();
            JsonNode values = expected.get("values");
            assertEquals(values.size(), a.length, label + ": element count");
            for (int i = 0; i < a.length; i++) {
                double b = Double.parseDouble(values.get(i).asText()), diff = Math.abs(a[i] - b);
                double tol = atol + rtol * Math.abs(b);
                String at = label + " at " + Arrays.toString(unflatten(i, shape));
                record(at, diff, tol);
                if (!(diff <= tol)) {
                    failures.add(at + ": minitape " + a[i] + ", PyTorch " + b + " (|diff| " + String.format("%.3g", diff) + ")");
                }
            }
        }

        private synchronized void record(String at, double diff, double tol) {
            if (diff > maxAbs) { maxAbs = diff; maxAbsAt = at; }
            if (diff / tol > maxRatio) { maxRatio = diff / tol; maxRatioAt = at; }
        }

        @Override
        public synchronized String toString() {
            return String.format("max |diff| %.3g at %s; max |diff|/(%.0e + %.0e·|torch|) %.3g at %s",
                    maxAbs, maxAbsAt, atol, rtol, maxRatio, maxRatioAt);
        }
    }
}
