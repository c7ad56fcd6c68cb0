package dev.minitape.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write replaces the file all at once: while it runs the new bytes go to a temporary file beside the
 * target; if it fails, the previous file is intact and no temporary file is left behind. (Tests run as
 * root, so a read-only folder would not stop them; the failures here come from the data instead.)
 */
class AtomicWriteTest {
    @TempDir
    Path dir;
    Path file;
    byte[] previous;

    @BeforeEach
    void aPreviousCheckpoint() throws IOException {
        file = dir.resolve("model.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.of(new float[] {1, 2, 3})), Map.of("version", "1"));
        previous = Files.readAllBytes(file);
    }

    @Test
    void aFailureHalfwayThroughTheDataLeavesThePreviousFileAndNoTemporaryFile() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("first", Tensor.zeros(100_000));                          // written in full before the failure
        tensors.put("second", new Tensor(new float[4], 4) {
            @Override
            public float[] data() {
                throw new IllegalStateException("disk full (simulated)");
            }
        });

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SafeTensors.write(file, tensors));

        assertEquals("disk full (simulated)", e.getMessage());
        assertPreviousFileIntactAndAlone();
    }

    @Test
    void aMapWhoseIterationThrowsLeavesThePreviousFileAndNoTemporaryFile() {
        Map<String, Tensor> broken = new AbstractMap<>() {
            @Override
            public Set<Entry<String, Tensor>> entrySet() {
                return new java.util.AbstractSet<>() {
                    @Override
                    public Iterator<Entry<String, Tensor>> iterator() {
                        throw new IllegalStateException("concurrent modification (simulated)");
                    }

                    @Override
                    public int size() {
                        return 1;
                    }
                };
            }
        };

        assertThrows(IllegalStateException.class, () -> SafeTensors.write(file, broken));

        assertPreviousFileIntactAndAlone();
    }

    @Test
    void anInvalidArgumentLeavesThePreviousFileAndNoTemporaryFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(file, Map.of("__metadata__", Tensor.zeros(1))));

        assertTrue(e.getMessage().contains("reserves that key for metadata"), e.getMessage());
        assertPreviousFileIntactAndAlone();
    }

    @Test
    void whileWritingTheNewBytesGoToAHiddenTemporaryFileInTheSameFolder() throws IOException {
        List<String> seenDuringWrite = new ArrayList<>();
        Tensor spy = new Tensor(new float[] {9}, 1) {
            @Override
            public float[] data() {
                seenDuringWrite.addAll(listing());
                return super.data();
            }
        };

        SafeTensors.write(file, Map.of("w", spy));

        assertEquals(2, seenDuringWrite.size(), seenDuringWrite.toString());
        assertTrue(seenDuringWrite.contains("model.safetensors"));
        assertTrue(seenDuringWrite.stream().anyMatch(n -> n.startsWith(".model.safetensors.tmp-")), seenDuringWrite.toString());
        assertEquals(List.of("model.safetensors"), listing());
        assertArrayEquals(new float[] {9}, SafeTensors.read(file).tensors().get("w").toArray());
    }

    @Test
    void aSuccessfulWriteReplacesThePreviousFile() throws IOException {
        SafeTensors.write(file, Map.of("v", Tensor.of(new float[] {4, 5})), Map.of("version", "2"));

        TensorFile read = SafeTensors.read(file);
        assertEquals(Set.of("v"), read.tensors().keySet());
        assertEquals("2", read.metadata().get("version"));
        assertEquals(List.of("model.safetensors"), listing());
    }

    @Test
    void nullsAreRefusedNamingWhatIsNullAndNothingIsWritten() {
        Map<String, Tensor> nullName = new LinkedHashMap<>(), nullTensor = new LinkedHashMap<>();
        nullName.put(null, Tensor.zeros(1));
        nullTensor.put("w", null);
        Map<String, String> nullKey = new LinkedHashMap<>(), nullValue = new LinkedHashMap<>();
        nullKey.put(null, "v");
        nullValue.put("k", null);
        Map<String, Tensor> w = Map.of("w", Tensor.zeros(1));
        String at = "SafeTensors.write " + file + ": ";

        assertEquals(at + "tensors is null", refused(() -> SafeTensors.write(file, null, Map.of())));
        assertEquals(at + "metadata is null", refused(() -> SafeTensors.write(file, w, null)));
        assertEquals(at + "null name or tensor (null)", refused(() -> SafeTensors.write(file, nullName)));
        assertEquals(at + "null name or tensor (w)", refused(() -> SafeTensors.write(file, nullTensor)));
        assertEquals(at + "metadata has a null key or value (null -> v)", refused(() -> SafeTensors.write(file, w, nullKey)));
        assertEquals(at + "metadata has a null key or value (k -> null)", refused(() -> SafeTensors.write(file, w, nullValue)));
        assertPreviousFileIntactAndAlone();
    }

    @Test
    void bytesReplaceTheFileWhole() throws IOException {
        byte[] bytes = new byte[100_000];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 31);
        AtomicFiles.write(file, bytes);
        assertArrayEquals(bytes, Files.readAllBytes(file));
        assertEquals(List.of("model.safetensors"), listing());
    }

    @Test
    void aTemporaryFileThatCannotBeRemovedIsReportedWithTheFailure() throws IOException {
        // the contents fail after turning the temporary file into a folder that is not empty, so the
        // clean-up's delete fails too: the caller gets the first failure with the second attached
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file, ch -> {
            Path temp;
            try (Stream<Path> s = Files.list(dir)) {
                temp = s.filter(p -> p.getFileName().toString().startsWith(".model.safetensors.tmp-")).findFirst().orElseThrow();
            }
            Files.delete(temp);
            Files.createDirectories(temp.resolve("inside"));
            throw new IOException("disk full (simulated)");
        }));

        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0] instanceof java.nio.file.DirectoryNotEmptyException, e.getSuppressed()[0].toString());
        assertArrayEquals(previous, Files.readAllBytes(file), "the previous file changed");
    }

    private static String refused(org.junit.jupiter.api.function.Executable write) {
        return assertThrows(IllegalArgumentException.class, write).getMessage();
    }

    private void assertPreviousFileIntactAndAlone() {
        try {
            assertArrayEquals(previous, Files.readAllBytes(file), "the previous file changed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(List.of("model.safetensors"), listing(), "files left in the folder");
    }

    private List<String> listing() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
