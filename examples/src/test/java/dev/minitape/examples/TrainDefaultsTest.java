package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minitape.lm.train.Checkpoint;
import dev.minitape.lm.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A short run needs no other option: the warmup's default fits any --steps. */
class TrainDefaultsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "train --steps {0}: warmup {1}")
    @CsvSource({"30, 3", "16, 2", "1, 0"})      // min(100, steps/8)
    void anyNumberOfStepsTrainsWithItsOwnWarmup(int steps, int warmup) throws IOException {
        Path out = tmp.resolve("run");
        CliErrorsTest.Outcome o = CliErrorsTest.cli("train", "--steps", Integer.toString(steps), "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        TrainConfig config = Checkpoint.load(out, Checkpoint.LATEST).train();
        assertEquals(steps, Checkpoint.load(out, Checkpoint.LATEST).state().step());
        assertEquals(warmup, config.warmup());
    }
}
