package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    @Test
    void theParameterCountIsKnownWithoutBuildingTheModel() {
        for (ModelSpec s : new ModelSpec[] {
                new ModelSpec("gpt", 65, 64, 2, 4, 64, 0f, 0, 0),
                new ModelSpec("gpt", 11, 8, 3, 2, 8, 0.1f, 0, 0),
                new ModelSpec("mlp", 30, 16, 3, 0, 12, 0f, 3, 50),
                new ModelSpec("bigram", 40, 8, 0, 0, 0, 0f, 0, 0)}) {
            assertEquals(s.build(new Rng(1)).module().parameterCount(), s.parameterCount(), s.toString());
        }
    }

    @Test
    void badSpecsAreExplained() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ModelSpec("rnn", 10, 8, 1, 1, 8, 0f, 0, 0));
        assertTrue(e.getMessage().contains("--model must be bigram, mlp or gpt"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ModelSpec("gpt", 10, 8, 1, 3, 8, 0f, 0, 0));
        assertTrue(e.getMessage().contains("not divisible"), e.getMessage());
    }
}
