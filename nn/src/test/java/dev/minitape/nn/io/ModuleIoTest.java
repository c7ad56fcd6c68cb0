package dev.minitape.nn.io;

import static dev.minitape.nn.io.SafeTensorsRoundTripTest.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import dev.minitape.nn.Module;
import dev.minitape.nn.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading checks every name and shape first, and changes the module only if everything matches. */
class ModuleIoTest {
    @TempDir
    Path dir;

    @Test
    void missingAndUnexpectedNamesAreAllListedAndTheModuleIsUnchanged() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>(new TinyNet(1).namedParameters());
        tensors.remove("proj.bias");
        tensors.remove("scale");
        tensors.put("proj.b", Tensor.zeros(4));
        tensors.put("extra.weight", Tensor.zeros(1));
        Path file = dir.resolve("renamed.safetensors");
        SafeTensors.write(file, tensors);
        TinyNet target = new TinyNet(2);
        Map<String, float[]> before = snapshot(target);

        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ModuleIo.load(target, file));

        assertTrue(e.getMessage().contains("renamed.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains("does not match TinyNet"), e.getMessage());
        assertTrue(e.getMessage().contains("missing: [scale, proj.bias]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected: [proj.b, extra.weight]"), e.getMessage());
        assertUnchanged(before, target);
    }

    @Test
    void aShapeMismatchIsListedWithBothShapesAndNothingIsLoaded() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>(new TinyNet(1).namedParameters());
        tensors.put("embed", Tensor.zeros(3, 5));
        Path file = dir.resolve("transposed.safetensors");
        SafeTensors.write(file, tensors);
        TinyNet target = new TinyNet(2);
        Map<String, float[]> before = snapshot(target);

        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ModuleIo.load(target, file));

        assertTrue(e.getMessage().contains("missing: [], unexpected: []"), e.getMessage());
        assertTrue(e.getMessage().contains("shape mismatch: [embed: file [3, 5] vs module [5, 3]]"), e.getMessage());
        assertUnchanged(before, target);
    }

    @Test
    void aTiedParameterIsWrittenOnceWithItsOtherNameRecordedInTheMetadata() throws IOException {
        TinyNet.Tied saved = new TinyNet.Tied(1);
        assertEquals(List.of("embed", "head.weight"), new ArrayList<>(saved.namedParameters().keySet()));
        Path file = dir.resolve("tied.safetensors");

        ModuleIo.save(saved, file, Map.of("note", "tied"));

        TensorFile read = SafeTensors.read(file);
        assertEquals(List.of("embed"), new ArrayList<>(read.tensors().keySet()));
        assertEquals(Map.of("note", "tied", "minitape.tied.head.weight", "embed"), read.metadata());
        TinyNet.Tied fresh = new TinyNet.Tied(2);
        ModuleIo.load(fresh, file);
        assertArrayEquals(bits(saved.embed.toArray()), bits(fresh.embed.toArray()));
    }

    @Test
    void aTiedCheckpointLoadsIntoAnUntiedModuleThroughTheRecordedName() throws IOException {
        TinyNet.Tied saved = new TinyNet.Tied(1);
        Path file = dir.resolve("tied.safetensors");
        ModuleIo.save(saved, file);
        Untied untied = new Untied();

        ModuleIo.load(untied, file);

        assertArrayEquals(saved.embed.toArray(), untied.embed.toArray());
        assertArrayEquals(saved.embed.toArray(), untied.head.toArray());
    }

    @Test
    void aFileWithEveryNameOfATiedParameterLoadsIfTheCopiesAgreeAndIsRejectedIfNot() throws IOException {
        TinyNet.Tied saved = new TinyNet.Tied(1);
        Path stateDict = dir.resolve("state_dict.safetensors");
        SafeTensors.write(stateDict, saved.namedParameters());                // both names, like torch's state_dict()
        TinyNet.Tied fresh = new TinyNet.Tied(2);
        ModuleIo.load(fresh, stateDict);
        assertArrayEquals(saved.embed.toArray(), fresh.embed.toArray());

        Map<String, Tensor> differ = new LinkedHashMap<>();
        differ.put("embed", saved.embed);
        differ.put("head.weight", Tensor.zeros(5, 3));
        Path bad = dir.resolve("differ.safetensors");
        SafeTensors.write(bad, differ);
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ModuleIo.load(new TinyNet.Tied(3), bad));
        assertTrue(e.getMessage().contains("tied parameters with different values in the file: [embed and head.weight]"),
                e.getMessage());
    }

    @Test
    void onlyOneNameOfATiedParameterIsEnoughWhicheverItIs() throws IOException {
        TinyNet.Tied saved = new TinyNet.Tied(1);
        Path file = dir.resolve("head_only.safetensors");
        SafeTensors.write(file, Map.of("head.weight", saved.embed));          // like safetensors' save_model
        TinyNet.Tied fresh = new TinyNet.Tied(2);

        ModuleIo.load(fresh, file);

        assertArrayEquals(saved.embed.toArray(), fresh.embed.toArray());
    }

    @Test
    void metadataKeysWithTheTiedPrefixAreReservedOnSave() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModuleIo.save(new TinyNet(1), dir.resolve("x.safetensors"), Map.of("minitape.tied.x", "y")));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
    }

    @Test
    void aTiedRecordPointingAtNoTensorIsRejected() throws IOException {
        Path file = dir.resolve("dangling.safetensors");
        SafeTensors.write(file, Map.of("embed", Tensor.zeros(5, 3)), Map.of("minitape.tied.head.weight", "nothing"));

        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ModuleIo.load(new TinyNet.Tied(1), file));

        assertTrue(e.getMessage().contains("ties 'head.weight' to 'nothing', which is not a tensor in the file"),
                e.getMessage());
    }

    @Test
    void aNameThatIsBothATensorAndATiedRecordIsRejected() throws IOException {
        Path file = dir.resolve("twice.safetensors");
        SafeTensors.write(file, Map.of("embed", Tensor.zeros(5, 3), "head.weight", Tensor.zeros(5, 3)),
                Map.of("minitape.tied.head.weight", "embed"));

        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ModuleIo.load(new TinyNet.Tied(1), file));

        assertTrue(e.getMessage().contains("'head.weight' is both a tensor and, in the metadata, tied to 'embed'"),
                e.getMessage());
    }

    @Test
    void nullMetadataIsRefusedOnSave() {
        Path file = dir.resolve("x.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModuleIo.save(new TinyNet(1), file, null));
        assertEquals("ModuleIo.save " + file + ": metadata is null; pass Map.of()", e.getMessage());
    }

    /** The same names as {@link TinyNet.Tied} but two separate parameters. */
    static final class Untied extends Module {
        final Parameter embed;
        final Parameter head;

        Untied() {
            embed = parameter("embed", Parameter.of(Tensor.randn(new Rng(9), 5, 3)));
            head = module("head", new Holder(Parameter.of(Tensor.zeros(5, 3)))).weight;
        }
    }

    static final class Holder extends Module {
        final Parameter weight;

        Holder(Parameter p) {
            weight = parameter("weight", p);
        }
    }

    private static Map<String, float[]> snapshot(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.namedParameters().forEach((name, p) -> out.put(name, p.toArray()));
        return out;
    }

    private static void assertUnchanged(Map<String, float[]> before, Module m) {
        m.namedParameters().forEach((name, p) -> assertArrayEquals(bits(before.get(name)), bits(p.toArray()), name));
    }
}
