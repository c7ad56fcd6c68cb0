package dev.minitape.lm.train;

import static dev.minitape.lm.train.SavedCheckpoints.atStep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.lm.tokenizer.CharTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What earlier saves leave in a run folder (a half-written slot.new, a slot.old from a save cut off between
 * its two moves, a file swapped in from another run) never ends up in what the next save or a load gives.
 */
class CheckpointLeftoversTest {

    /** A sampling-only checkpoint: no optimizer, no trainer state. */
    private static Checkpoint.Contents forSampling(int step) {
        Checkpoint.Contents c = atStep(step, "abcdefghi");
        return new Checkpoint.Contents(c.spec(), c.train(), c.data(), c.tokenizer(), c.model(), null, null);
    }

    @Test
    void aSaveStartsFromAnEmptyFolderNotFromAnInterruptedSavesFiles(@TempDir Path dir) throws IOException {
        Checkpoint.save(dir, "last", atStep(2, "abcdefghi"));
        Files.move(dir.resolve("last"), dir.resolve("last.new"));          // as if cut off just before its last move
        Files.delete(dir.resolve("last.new").resolve("COMPLETE"));
        Checkpoint.save(dir, "last", forSampling(3));
        Checkpoint.Contents loaded = Checkpoint.load(dir, "last");
        assertNull(loaded.optimizer(), "the optimizer file of the interrupted save");
        assertNull(loaded.state(), "the state file of the interrupted save");
        assertFalse(Files.exists(dir.resolve("last.new")));
    }

    @Test
    void aSaveOverAnOldCopyFromAnInterruptedSaveReplacesItAndLeavesOneSlot(@TempDir Path dir) throws IOException {
        Checkpoint.save(dir, "last", atStep(1, "abcdefghi"));
        Checkpoint.save(dir, "stale", atStep(2, "abcdefghi"));
        Files.move(dir.resolve("stale"), dir.resolve("last.old"));          // cut off after moving last aside
        Checkpoint.Contents third = atStep(3, "abcdefghi");
        Checkpoint.save(dir, "last", third);
        SavedCheckpoints.assertSame(third, Checkpoint.load(dir, "last"));
        assertFalse(Files.exists(dir.resolve("last.old")), "the previous copy is removed once the new one is in place");
        Checkpoint.save(dir, "last", atStep(4, "abcdefghi"));
        assertFalse(Files.exists(dir.resolve("last.old")));
    }

    @Test
    void aTokenizerFromARunWithAnotherVocabularyIsAMismatch(@TempDir Path dir) throws IOException {
        Checkpoint.save(dir, "last", atStep(1, "abcdefghi"));
        CharTokenizer.fit("abcdefghijk").save(dir.resolve("last").resolve("tokenizer.json"));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(dir, "last"));
        assertTrue(e.getMessage().contains("11 tokens") && e.getMessage().contains("expects 9"), e.getMessage());
        assertEquals(9, CharTokenizer.fit("abcdefghi").vocabSize());
    }
}
