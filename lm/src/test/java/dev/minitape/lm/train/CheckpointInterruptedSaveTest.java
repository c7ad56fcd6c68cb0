package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.minitape.core.Rng;
import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.nn.Parameter;
import dev.minitape.nn.optim.OptimizerState;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A save that fails on one of its files, as a full disk or a crash would stop it, leaves the previous checkpoint. */
class CheckpointInterruptedSaveTest {
    private static final ModelSpec SPEC = ModelSpec.builder().vocabSize(9).blockSize(8).nLayer(1).nHead(2).nEmbd(8).build();
    /** A checkpoint saves 6 files: config.json, model.safetensors, tokenizer.json, optimizer.safetensors, state.json, COMPLETE. */
    private static final int FILES = 6;

    /** The checkpoint of a run at {@code step}: every file differs from that of another step. */
    private static Checkpoint.Contents atStep(int step, String text) {
        TrainConfig train = TrainConfig.builder().steps(10 * step).blockSize(8).warmup(1).build();
        OptimizerState optimizer = new OptimizerState(Map.of("wte.exp_avg", new float[] {step, -step, 0.5f}),
                Map.of("optimizer", "AdamW", "step_count", Integer.toString(step)));
        TrainerState state = new TrainerState(step, 100L + step, 200L + step, 3.0 / step, step - 1, 0);
        return new Checkpoint.Contents(SPEC, train, text + ".txt", CharTokenizer.fit(text), SPEC.build(new Rng(step)),
                optimizer, state);
    }

    /** Writes files as asked until the k-th (from 1), of which it writes half before failing. */
    private static final class FailingOnFile implements CheckpointWriter {
        final IOException failure = new IOException("no space left on device (a test's)");
        private final int failAt;
        private int written;

        FailingOnFile(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public void write(Path file, FileContents contents) throws IOException {
            contents.writeTo(file);
            if (++written < failAt) return;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(ch.size() / 2);
            }
            throw failure;
        }
    }

    @ParameterizedTest(name = "failing on file {0} of " + FILES)
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void aSaveThatFailsPartwayLeavesThePreviousCheckpoint(int failAt, @TempDir Path dir) throws IOException {
        Checkpoint.Contents before = atStep(3, "abcdefgh "), next = atStep(7, "stuvwxyz.");
        Checkpoint.save(dir, Checkpoint.LATEST, before);
        FailingOnFile writer = new FailingOnFile(failAt);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.save(dir, Checkpoint.LATEST, next, writer));
        assertSame(writer.failure, e, "the write's own error reaches the caller");
        assertEquals(failAt, writer.written, "the save stops at the failing file");
        assertSameCheckpoint(before, Checkpoint.load(dir, Checkpoint.LATEST));
    }

    @Test
    void theNextSaveAfterAnInterruptedOneIsLoaded(@TempDir Path dir) throws IOException {
        Checkpoint.save(dir, Checkpoint.LATEST, atStep(3, "abcdefgh "));
        Checkpoint.Contents next = atStep(7, "stuvwxyz.");
        assertThrows(IOException.class, () -> Checkpoint.save(dir, Checkpoint.LATEST, next, new FailingOnFile(FILES)));
        Checkpoint.save(dir, Checkpoint.LATEST, next);
        assertSameCheckpoint(next, Checkpoint.load(dir, Checkpoint.LATEST));
        assertFalse(Files.exists(dir.resolve(Checkpoint.LATEST + ".new")), "no half-written folder is left");
    }

    private static void assertSameCheckpoint(Checkpoint.Contents expected, Checkpoint.Contents loaded) {
        assertEquals(expected.spec(), loaded.spec());
        assertEquals(expected.train(), loaded.train());
        assertEquals(expected.data(), loaded.data());
        assertEquals(expected.tokenizer(), loaded.tokenizer());
        Map<String, Parameter> saved = expected.model().module().namedParameters();
        Map<String, Parameter> read = loaded.model().module().namedParameters();
        assertEquals(saved.keySet(), read.keySet());
        saved.forEach((name, p) -> assertArrayEquals(p.data(), read.get(name).data(), name));
        assertEquals(expected.optimizer().tensors().keySet(), loaded.optimizer().tensors().keySet());
        expected.optimizer().tensors().forEach((name, values) ->
                assertArrayEquals(values, loaded.optimizer().tensors().get(name), name));
        assertEquals(expected.optimizer().metadata(), loaded.optimizer().metadata());
        assertEquals(expected.state(), loaded.state());
    }
}
