package dev.minitape.lm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import org.junit.jupiter.api.Test;

class TextDatasetTest {

    @Test
    void splitsNinetyTenAndTargetsAreTheNextTokens() {
        int[] tokens = new int[1000];
        for (int i = 0; i < tokens.length; i++) tokens[i] = i % 97;
        TextDataset d = new TextDataset(tokens, 97, 8);
        assertEquals(900, d.trainTokens());
        assertEquals(100, d.validationTokens());
        Batch b = d.trainBatch(4, 8, new Rng(1));
        for (int i = 0; i < 4; i++) {
            for (int t = 0; t < 7; t++) assertEquals(b.x()[i * 8 + t + 1], b.y()[i * 8 + t]);
            assertEquals((b.x()[i * 8 + 7] + 1) % 97, b.y()[i * 8 + 7]);
        }
        Batch again = d.trainBatch(4, 8, new Rng(1));
        assertArrayEquals(b.x(), again.x(), "seeded");
    }

    @Test
    void validationWindowsComeFromTheLastTenPercent() {
        int[] tokens = new int[1000];
        for (int i = 0; i < tokens.length; i++) tokens[i] = i;          // a token is its own position
        TextDataset d = new TextDataset(tokens, 1000, 8);
        Rng rng = new Rng(2);
        for (int k = 0; k < 50; k++) {
            for (int x : d.validationBatch(4, 8, rng).y()) assertTrue(x >= 900, "validation token " + x);
            for (int x : d.trainBatch(4, 8, rng).y()) assertTrue(x < 900, "training token " + x);
        }
    }

    @Test
    void aSeparateValidationTextServesAllValidationWindows() {
        int[] train = new int[300], validation = new int[40];
        for (int i = 0; i < train.length; i++) train[i] = i % 100;
        for (int i = 0; i < validation.length; i++) validation[i] = 100 + i;
        TextDataset d = new TextDataset(TokenArray.of(train, 140), TokenArray.of(validation, 140), 140, 8);
        assertEquals(300, d.trainTokens());
        assertEquals(40, d.validationTokens());
        Rng rng = new Rng(3);
        for (int k = 0; k < 50; k++) {
            for (int x : d.validationBatch(4, 8, rng).y()) assertTrue(x >= 101, "validation token " + x);
            for (int x : d.trainBatch(4, 8, rng).y()) assertTrue(x < 100, "training token " + x);
        }
        var e = assertThrows(IllegalArgumentException.class,
                () -> new TextDataset(TokenArray.of(train, 140), TokenArray.of(new int[5], 140), 140, 8));
        assertTrue(e.getMessage().contains("the validation text 5"), e.getMessage());
    }

    @Test
    void aTextShorterThanAWindowIsExplained() {
        var e = assertThrows(IllegalArgumentException.class, () -> new TextDataset(new int[50], 3, 8));
        assertTrue(e.getMessage().contains("too short for a block of 8"), e.getMessage());
    }
}
