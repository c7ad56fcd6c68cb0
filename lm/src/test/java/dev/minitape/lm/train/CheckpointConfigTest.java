package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.Rng;
import dev.minitape.lm.tokenizer.CharTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json: the format a checkpoint's model and training config are written in, and how it is checked on loading. */
class CheckpointConfigTest {
    private static final CharTokenizer TOK = CharTokenizer.fit("abcdefgh ");
    private static final ModelSpec SPEC = ModelSpec.builder().vocabSize(TOK.vocabSize()).blockSize(8).nLayer(1).nHead(2)
            .nEmbd(8).build();

    private static Path save(Path dir) throws IOException {
        return save(dir, TrainConfig.builder().steps(5).blockSize(8).warmup(1).build());
    }

    private static Path save(Path dir, TrainConfig train) throws IOException {
        Checkpoint.save(dir, Checkpoint.LATEST, new Checkpoint.Contents(SPEC, train, null, TOK, SPEC.build(new Rng(1)), null, null));
        return dir.resolve(Checkpoint.LATEST).resolve("config.json");
    }

    @Test
    void theKindIsWrittenInLowercaseAndTheFieldsByName(@TempDir Path dir) throws IOException {
        String json = Files.readString(save(dir));
        assertTrue(json.contains("\"kind\" : \"gpt\""), json);
        assertTrue(json.contains("\"nEmbd\" : 8") && json.contains("\"steps\" : 5") && json.contains("\"minLr\" : 1.0E-4"), json);
    }

    @Test
    void aConfigWrittenBeforeTheBuildersStillLoads(@TempDir Path dir) throws IOException {
        Path config = save(dir);
        // config.json as minitape wrote it before ModelSpec and TrainConfig had builders (a GPT's context and hidden 0)
        Files.writeString(config, """
                {
                  "model" : { "kind" : "gpt", "vocabSize" : %d, "blockSize" : 8, "nLayer" : 1, "nHead" : 2, "nEmbd" : 8,
                              "dropout" : 0.0, "context" : 0, "hidden" : 0 },
                  "train" : { "steps" : 5, "batchSize" : 12, "blockSize" : 8, "lr" : 0.001, "minLr" : 1.0E-4, "warmup" : 1,
                              "weightDecay" : 0.1, "beta1" : 0.9, "beta2" : 0.99, "gradClip" : 1.0, "labelSmoothing" : 0.0,
                              "classWeights" : null, "evalEvery" : 250, "evalBatches" : 20, "checkpointEvery" : 0, "seed" : 1337 },
                  "data" : null
                }""".formatted(TOK.vocabSize()));
        Checkpoint.Contents c = Checkpoint.load(dir, Checkpoint.LATEST);
        assertEquals(ModelKind.GPT, c.spec().kind());
        assertEquals(5, c.train().steps());
        assertEquals(SPEC.build(new Rng(1)).module().parameterCount(), c.model().module().parameterCount());
        // written before the z-loss and the reduction were options: plain cross-entropy, the token mean
        assertEquals(0, c.train().zLoss());
        assertEquals(LossReduction.TOKEN, c.train().reduction());
        assertNull(c.train().classWeights());
        // and before --grad-accum and --patience: one micro-batch per step, no early stopping
        assertEquals(1, c.train().gradAccum());
        assertEquals(0, c.train().patience());
    }

    @Test
    void theLossOptionsAndHowTheWeightsWereMadeRoundTrip(@TempDir Path dir) throws IOException {
        ClassWeights weights = ClassWeights.balanced(new long[] {6, 3, 1, 0, 2, 2, 2, 2, 40});
        TrainConfig train = TrainConfig.builder().steps(5).blockSize(8).warmup(1)
                .loss(new LossOptions(0.1, 1e-4, LossReduction.SEQUENCE, weights)).build();
        String json = Files.readString(save(dir, train));
        assertTrue(json.contains("\"method\" : \"balanced\"") && json.contains("\"reduction\" : \"sequence\"")
                && json.contains("\"zLoss\" : 1.0E-4") && json.contains("\"weights\" : [ "), json);
        TrainConfig back = Checkpoint.load(dir, Checkpoint.LATEST).train();
        assertEquals("balanced", back.classWeights().method());
        assertArrayEquals(weights.weights(), back.classWeights().weights());
        assertEquals(new LossOptions(0.1, 1e-4, LossReduction.SEQUENCE, null), new LossOptions(back.labelSmoothing(), back.zLoss(),
                back.reduction(), null));
    }

    @Test
    void classWeightsWrittenAsABareArrayStillLoad(@TempDir Path dir) throws IOException {
        Path config = save(dir);
        Files.writeString(config, Files.readString(config).replace("\"classWeights\" : null", "\"classWeights\" : [ 1.0, 2.5 ]"));
        ClassWeights w = Checkpoint.load(dir, Checkpoint.LATEST).train().classWeights();
        assertEquals("given", w.method());
        assertArrayEquals(new float[] {1, 2.5f}, w.weights());
    }

    @Test
    void aConfigDescribingMoreParametersThanTheWeightsFileHoldsIsAMismatch(@TempDir Path dir) throws IOException {
        Path config = save(dir);
        Files.writeString(config, Files.readString(config).replace("\"nLayer\" : 1", "\"nLayer\" : 3"));
        var e = assertThrows(IOException.class, () -> Checkpoint.load(dir, Checkpoint.LATEST));
        long three = ModelSpec.builder().vocabSize(TOK.vocabSize()).blockSize(8).nLayer(3).nHead(2).nEmbd(8).build()
                .build(new Rng(1)).module().parameterCount();
        assertTrue(e.getMessage().contains("describes a model of " + three + " parameters"), e.getMessage());
    }

    @Test
    void aConfigDescribingAModelTooLargeToBuildIsAMismatchNotACrash(@TempDir Path dir) throws IOException {
        Path config = save(dir);
        Files.writeString(config, Files.readString(config).replace("\"nEmbd\" : 8", "\"nEmbd\" : 300000000"));
        var e = assertThrows(IOException.class, () -> Checkpoint.load(dir, Checkpoint.LATEST));
        assertTrue(e.getMessage().contains("cannot be built") && e.getMessage().contains("mixes files from different runs"),
                e.getMessage());
    }
}
