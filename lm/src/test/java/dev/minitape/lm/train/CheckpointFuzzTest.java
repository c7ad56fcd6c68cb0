package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minitape.core.Rng;
import dev.minitape.lm.data.SyntheticCorpus;
import dev.minitape.lm.data.TextDataset;
import dev.minitape.lm.tokenizer.CharTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and mutated config.json and state.json files: loading a checkpoint either works or throws an
 * IOException with a message; never another exception, never an out-of-memory error.
 */
class CheckpointFuzzTest {
    private static Path dir;
    private static byte[] config, state;

    @BeforeContainer
    static void trainATinyRun() throws IOException {
        dir = Files.createTempDirectory("ckpt-fuzz");
        String text = SyntheticCorpus.standard().generate(5000, new Rng(1));
        CharTokenizer tok = CharTokenizer.fit(text);
        ModelSpec spec = ModelSpec.builder().vocabSize(tok.vocabSize()).blockSize(8).nLayer(1).nHead(2).nEmbd(8).build();
        TrainConfig c = TrainConfig.builder().steps(2).batchSize(2).blockSize(8).warmup(1).evalEvery(2).evalBatches(1)
                .seed(1).build();
        new Trainer(spec.build(new Rng(2)), spec, tok, new TextDataset(tok.encode(text), tok.vocabSize(), 8), c, dir,
                Double.NaN, null).train();
        config = Files.readAllBytes(dir.resolve("checkpoint/config.json"));
        state = Files.readAllBytes(dir.resolve("checkpoint/state.json"));
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** Flips, deletes or rewrites a few bytes, or swaps a number for a huge one. */
    private static byte[] mutate(byte[] original, long seed) {
        Rng rng = new Rng(seed);
        String s = new String(original, StandardCharsets.UTF_8);
        switch (rng.nextInt(4)) {
            case 0 -> s = s.replaceAll("\"nEmbd\" : \\d+", "\"nEmbd\" : " + (1 + rng.nextInt(Integer.MAX_VALUE)));
            case 1 -> s = s.replaceAll("\"vocabSize\" : \\d+", "\"vocabSize\" : " + (rng.nextInt(3) - 1) * rng.nextInt(1 << 30));
            case 2 -> s = s.substring(0, rng.nextInt(s.length() + 1));
            default -> {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                for (int k = 0; k < 1 + rng.nextInt(4); k++) b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
                return b;
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Property(tries = 300, seed = "20261128")
    void aDamagedConfigOrStateIsAnIOExceptionOrLoads(@ForAll long seed, @ForAll boolean damageState) throws IOException {
        Files.write(dir.resolve("checkpoint/config.json"), damageState ? config : mutate(config, seed));
        Files.write(dir.resolve("checkpoint/state.json"), damageState ? mutate(state, seed) : state);
        try {
            Checkpoint.load(dir, Checkpoint.LATEST);
        } catch (IOException expected) {
            assertEquals(true, expected.getMessage() != null && !expected.getMessage().isBlank());
        }
    }
}
