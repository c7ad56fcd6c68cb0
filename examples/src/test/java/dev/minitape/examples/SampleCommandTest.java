package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.examples.CliErrorsTest.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sample's --stop, --num-samples and --prompt-file, through the CLI on a small trained run. */
class SampleCommandTest {
    @TempDir
    static Path tmp;
    static Path run;

    @BeforeAll
    static void trainASmallRun() throws IOException {
        run = tmp.resolve("run");
        Path text = Files.writeString(tmp.resolve("text.txt"), "The cat sat on the mat. ".repeat(200));
        Outcome o = CliErrorsTest.cli("train", "--data", text.toString(), "--steps", "30", "--warmup", "3",
                "--eval-every", "30", "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "16",
                "--batch-size", "4", "--sample-tokens", "0", "--out", run.toString());
        assertEquals(0, o.code(), o.err());
    }

    private static String sample(String... extra) {
        String[] args = new String[extra.length + 7];
        System.arraycopy(new String[] {"sample", "--checkpoint", run.toString(), "--temperature", "1", "--tokens", "120"},
                0, args, 0, 7);
        System.arraycopy(extra, 0, args, 7, extra.length);
        Outcome o = CliErrorsTest.cli(args);
        assertEquals(0, o.code(), o.err());
        return o.out();
    }

    @Test
    void theOutputEndsJustBeforeTheFirstStopString() {
        String free = sample("--seed", "3");
        String one = free.substring(20, 21), two = free.substring(40, 42), three = free.substring(60, 63);
        for (String stop : new String[] {one, two, three}) {
            int at = free.indexOf(stop, "The".length());
            assertEquals(free.substring(0, at) + "\n", sample("--seed", "3", "--stop", stop), "stop '" + stop + "'");
        }
        int first = Math.min(free.indexOf(two, 3), free.indexOf(three, 3));
        assertEquals(free.substring(0, first) + "\n", sample("--seed", "3", "--stop", three, "--stop", two));
    }

    @Test
    void severalSamplesAreSeparatedAndEachHasItsOwnSeed() {
        String three = sample("--seed", "5", "--num-samples", "3");
        String[] parts = three.split("\n---\n", -1);
        assertEquals(3, parts.length, three);
        for (int i = 0; i < 3; i++) {
            String alone = sample("--seed", String.valueOf(5 + i));
            assertEquals(alone, i < 2 ? parts[i] + "\n" : parts[i], "sample " + i);
        }
        assertFalse(parts[0].equals(parts[1]), "different seeds, different samples");
    }

    @Test
    void aPromptFileIsContinuedLikeTheSamePrompt() throws IOException {
        Path prompt = Files.writeString(tmp.resolve("prompt.txt"), "the mat");
        assertEquals(sample("--prompt", "the mat"), sample("--prompt-file", prompt.toString()));
        CliErrorsTest.fails(2, "not both", "sample", "--checkpoint", run.toString(), "--prompt", "a",
                "--prompt-file", prompt.toString());
        CliErrorsTest.fails(2, "--num-samples must be positive", "sample", "--checkpoint", run.toString(),
                "--num-samples", "0");
        CliErrorsTest.fails(2, "--stop must not be empty", "sample", "--checkpoint", run.toString(), "--stop", "");
    }
}
