package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.lm.model.Gpt;
import dev.minitape.lm.model.MlpLm;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

    @Test
    void theBuilderStartsFromTheCommandLineDefaults() {
        ModelSpec s = ModelSpec.builder().vocabSize(65).build();
        assertEquals(new ModelSpec(ModelKind.GPT, 65, 64, 2, 4, 64, 0f, 3, 256), s);
        assertEquals(96, ModelSpec.builder().vocabSize(65).nEmbd(24).build().hidden(), "hidden defaults to 4·nEmbd");
        assertEquals(10, ModelSpec.builder().vocabSize(65).nEmbd(24).hidden(10).build().hidden());
    }

    @Test
    void theKindPicksTheModelBuilt() {
        assertTrue(ModelSpec.builder().vocabSize(11).blockSize(8).nLayer(1).nHead(2).nEmbd(8).build().build(new Rng(1)) instanceof Gpt);
        assertTrue(ModelSpec.builder().kind(ModelKind.MLP).vocabSize(11).nEmbd(8).build().build(new Rng(1)) instanceof MlpLm);
        assertEquals(11 * 11, ModelSpec.builder().kind(ModelKind.BIGRAM).vocabSize(11).build().build(new Rng(1))
                .module().parameterCount());
    }

    @Test
    void kindsHaveTheirLowercaseNames() {
        for (ModelKind k : ModelKind.values()) assertEquals(k, ModelKind.of(k.id()));
        assertEquals("gpt", ModelKind.GPT.id());
        var e = assertThrows(IllegalArgumentException.class, () -> ModelKind.of("rnn"));
        assertEquals("ModelSpec.kind must be bigram, mlp or gpt, got 'rnn'", e.getMessage());
    }

    @Test
    void badSpecsNameTheField() {
        var e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder().vocabSize(0).build());
        assertEquals("ModelSpec.vocabSize must be positive, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder().kind(ModelKind.MLP).vocabSize(9).context(0).build());
        assertEquals("ModelSpec.context must be positive, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder().vocabSize(10).nEmbd(8).nHead(3).build());
        assertTrue(e.getMessage().contains("not divisible"), e.getMessage());
    }
}
