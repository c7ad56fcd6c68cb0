package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minitape.core.Rng;
import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.nn.Parameter;
import dev.minitape.nn.optim.OptimizerState;
import java.util.Map;

/** Checkpoints for tests that save one, damage or interrupt something, and compare what loads with what was saved. */
final class SavedCheckpoints {
    private static final ModelSpec SPEC = ModelSpec.builder().vocabSize(9).blockSize(8).nLayer(1).nHead(2).nEmbd(8).build();

    private SavedCheckpoints() {}

    /** The checkpoint of a small GPT's run at {@code step}, over the 9 characters of {@code text}: every file differs between steps. */
    static Checkpoint.Contents atStep(int step, String text) {
        TrainConfig train = TrainConfig.builder().steps(10 * step).blockSize(8).warmup(1).build();
        OptimizerState optimizer = new OptimizerState(Map.of("wte.exp_avg", new float[] {step, -step, 0.5f}),
                Map.of("optimizer", "AdamW", "step_count", Integer.toString(step)));
        TrainerState state = new TrainerState(step, 100L + step, 200L + step, 3.0 / step, step - 1, 0);
        return new Checkpoint.Contents(SPEC, train, text + ".txt", CharTokenizer.fit(text), SPEC.build(new Rng(step)),
                optimizer, state);
    }

    /** Every file's contents: config.json, the weights, the tokenizer, the optimizer and state.json. */
    static void assertSame(Checkpoint.Contents saved, Checkpoint.Contents loaded) {
        assertEquals(saved.spec(), loaded.spec());
        assertEquals(saved.train(), loaded.train());
        assertEquals(saved.data(), loaded.data());
        assertSameWeightsTokenizerAndOptimizer(saved, loaded);
        assertEquals(saved.state(), loaded.state());
    }

    /** The contents of model.safetensors, tokenizer.json and optimizer.safetensors. */
    static void assertSameWeightsTokenizerAndOptimizer(Checkpoint.Contents saved, Checkpoint.Contents loaded) {
        Map<String, Parameter> written = saved.model().module().namedParameters();
        Map<String, Parameter> read = loaded.model().module().namedParameters();
        assertEquals(written.keySet(), read.keySet());
        written.forEach((name, p) -> assertArrayEquals(p.data(), read.get(name).data(), name));
        assertEquals(saved.tokenizer(), loaded.tokenizer());
        assertEquals(saved.optimizer().tensors().keySet(), loaded.optimizer().tensors().keySet());
        saved.optimizer().tensors().forEach((name, values) ->
                assertArrayEquals(values, loaded.optimizer().tensors().get(name), name));
        assertEquals(saved.optimizer().metadata(), loaded.optimizer().metadata());
    }
}
