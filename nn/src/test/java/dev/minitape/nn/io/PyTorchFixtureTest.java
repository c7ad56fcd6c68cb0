package dev.minitape.nn.io;

import static dev.minitape.nn.io.SafeTensorsRoundTripTest.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minitape.core.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A file written by PyTorch (through scripts/safetensors_interop.py, which writes like the reference
 * library: sorted by dtype alignment then name, header padded to 8 bytes) reads with the right names,
 * shapes and values; from_pytorch.expected.json holds each tensor's values as float32, as torch
 * computed them ({@code t.to(torch.float32)}). Regenerate both with:
 * <pre>
 * python3 scripts/safetensors_interop.py write \
 *     nn/src/test/resources/fixtures/safetensors/from_pytorch.safetensors \
 *     nn/src/test/resources/fixtures/safetensors/from_pytorch.expected.json
 * </pre>
 * The other direction (a minitape-written file read by PyTorch) was checked by hand; the command and
 * its output are in scripts/README.md.
 */
class PyTorchFixtureTest {
    private static final String DIR = "/fixtures/safetensors/";

    @Test
    void theTensorsHaveTheNamesOrderShapesAndValuesPyTorchWrote() throws IOException {
        TensorFile file = SafeTensors.read(resource("from_pytorch.safetensors"));
        JsonNode expected = new ObjectMapper().readTree(resource("from_pytorch.expected.json").toFile());

        assertEquals(List.of("double", "blocks.0.linear.bias", "blocks.0.linear.weight", "embed.weight", "empty",
                "head.scale", "bfloat", "half"), new ArrayList<>(file.tensors().keySet()), "file order");
        assertEquals(names(expected), file.tensors().keySet().stream().sorted().toList());
        for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
            JsonNode want = expected.get(e.getKey());
            assertArrayEquals(ints(want.get("shape")), e.getValue().shape(), e.getKey() + " shape");
            assertArrayEquals(bits(floats(want.get("values"))), bits(e.getValue().toArray()),
                    e.getKey() + " values (" + want.get("dtype").asText() + " read as float32)");
        }
    }

    @Test
    void theMetadataIsPyTorchs() throws IOException {
        TensorFile file = SafeTensors.read(resource("from_pytorch.safetensors"));

        assertEquals(Map.of("format", "pt", "source", "scripts/safetensors_interop.py write"), file.metadata());
    }

    @Test
    void aScalarStaysZeroDimensionalAndAnEmptyTensorKeepsItsShape() throws IOException {
        Map<String, Tensor> t = SafeTensors.read(resource("from_pytorch.safetensors")).tensors();

        assertEquals(0, t.get("head.scale").dim());
        assertEquals(0.5f, t.get("head.scale").item());
        assertArrayEquals(new int[] {0, 3}, t.get("empty").shape());
    }

    private static Path resource(String name) {
        URL url = PyTorchFixtureTest.class.getResource(DIR + name);
        assertNotNull(url, DIR + name + " is missing; see this class's comment to regenerate it");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(JsonNode expected) {
        List<String> out = new ArrayList<>();
        expected.fieldNames().forEachRemaining(out::add);
        out.sort(null);
        return out;
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    /** Each value is a float32 printed exactly as a double, so the cast is exact. */
    private static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) a.get(i).asDouble();
        return out;
    }
}
