package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input through the CLI's entry point: one line on stderr naming the input, a non-zero exit, no stack trace. */
class CliErrorsTest {
    @TempDir
    static Path tmp;
    static Path run;          // a small finished run to corrupt copies of

    record Outcome(int code, String err, String out) {}

    static Outcome cli(String... args) {
        PrintStream oldErr = System.err, oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream(), out = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Outcome(code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }

    /** Exit code as expected, exactly one line of error naming what is wrong, and no stack trace. */
    static void fails(int code, String mustMention, String... args) {
        Outcome o = cli(args);
        String errLines = o.err.lines().filter(l -> l.startsWith("minitape:")).reduce("", (a, b) -> a + b + "\n");
        assertEquals(code, o.code, String.join(" ", args) + " → " + o.err);
        assertEquals(1, errLines.lines().count(), "one error line for " + String.join(" ", args) + ":\n" + o.err);
        assertTrue(errLines.contains(mustMention), "'" + mustMention + "' in: " + errLines);
        assertFalse(o.err.contains("\tat ") || o.err.contains("Exception"), "no stack trace: " + o.err);
    }

    @BeforeAll
    static void trainATinyRun() throws IOException {
        run = tmp.resolve("run");
        Path text = tmp.resolve("tiny.txt");
        Files.writeString(text, "the cat sat on the mat. ".repeat(200));
        Outcome o = cli("train", "--data", text.toString(), "--steps", "3", "--warmup", "1", "--eval-every", "3",
                "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "16", "--batch-size", "2",
                "--sample-tokens", "5", "--out", run.toString());
        assertEquals(0, o.code, o.err);
    }

    @Test
    void dataThatIsMissingEmptyAFolderOrTooShort() throws IOException {
        fails(2, "nope.txt does not exist", "train", "--data", tmp.resolve("nope.txt").toString());
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        fails(2, "empty.txt is empty", "train", "--data", empty.toString());
        Path noFiles = Files.createDirectories(tmp.resolve("no-files"));
        fails(2, "no-files is a folder without files", "train", "--data", noFiles.toString());
        Path shortText = Files.writeString(tmp.resolve("short.txt"), "hello world");
        fails(2, "too short for a block of 64", "train", "--data", shortText.toString());
    }

    @Test
    void invalidUtf8NamesTheOffsetAndSuggestsBpe() throws IOException {
        byte[] bytes = "good text, then ".getBytes(StandardCharsets.UTF_8);
        byte[] bad = java.util.Arrays.copyOf(bytes, bytes.length + 2);
        bad[bytes.length] = (byte) 0xC3;                // a lead byte followed by ASCII: invalid
        bad[bytes.length + 1] = 'x';
        Path file = Files.write(tmp.resolve("latin1.txt"), bad);
        fails(2, "offset 16", "train", "--data", file.toString(), "--tokenizer", "char");
        assertTrue(cli("train", "--data", file.toString(), "--tokenizer", "char").err.contains("--tokenizer bpe"));
    }

    @Test
    void bpeTrainsOnAnyBytesEvenABinaryFile() throws IOException {
        byte[] binary = new byte[20_000];
        new java.util.Random(1).nextBytes(binary);
        Path file = Files.write(tmp.resolve("random.bin"), binary);
        Outcome o = cli("train", "--data", file.toString(), "--tokenizer", "bpe", "--vocab-size", "260", "--steps", "2",
                "--warmup", "1", "--eval-every", "2", "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "16",
                "--batch-size", "2", "--sample-tokens", "5", "--out", tmp.resolve("binrun").toString());
        assertEquals(0, o.code, o.err);
    }

    /** Each row: what the one error line must mention | the command line, split at spaces. Exit code 2. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            Unknown option: '--bogus'                                        | train --bogus
            --steps                                                          | train --steps many
            --batch-size must be positive, got 0                             | train --batch-size 0
            number of layers must be positive, got -1                        | train --n-layer -1
            not divisible by the number of heads 3                           | train --n-embd 64 --n-head 3
            at least 256                                                     | train --tokenizer bpe --vocab-size 100
            --lr must be a positive finite number                            | train --lr 0
            --lr must be a positive finite number                            | train --lr NaN
            --lr must be a positive finite number                            | train --lr Infinity
            --tokenizer must be char or bpe                                  | train --tokenizer words
            --steps must be positive, got 0                                  | train --steps 0
            --min-lr must be between 0 and --lr (0.003), got 0.01            | train --min-lr 0.01
            --warmup must be at least 0 and less than --steps (800), got 900 | train --warmup 900
            --label-smoothing must be in [0, 1), got 2.0                     | train --label-smoothing 2
            --model must be bigram, mlp or gpt, got 'rnn'                    | train --model rnn
            --grad-accum must be positive, got 0                             | train --grad-accum 0
            --patience must be >= 0 (0: never stop early), got -1            | train --patience -1
            --d-model 30 must be positive and divisible by --n-head 4        | copy --d-model 30
            --batch-size must be at least 1, got 0                           | copy --batch-size 0
            --eval-every must be at least 1, got -2                          | copy --eval-every -2
            --beam must be at least 1, got 0                                 | copy --beam 0
            --task must be copy, reverse or sort                             | copy --task rotate
            --positions must be learned or sinusoidal                        | copy --positions rotary
            divisible by --n-head 3                                          | copy --n-head 3
            --min-len <= --max-len, got 5 and 2                              | copy --min-len 5 --max-len 2
            --generalize-to must be more than --max-len 10                   | copy --generalize-to 8
            # one symbol: a single sequence of each length, none of which may be held out
            use a larger --vocab or --max-len                                | copy --vocab 1
            """)
    void malformedOrOutOfRangeOptionsAreNamed(String mustMention, String commandLine) {
        fails(2, mustMention, commandLine.split(" "));
    }

    @Test
    void libraryFieldNamesNeverReachTheUser() {
        assertFalse(cli("train", "--steps", "0").err.contains("TrainConfig"), "no library field names in CLI errors");
    }

    @Test
    void flagNamesReplaceOnlyFieldsTheCliSets() {
        assertEquals("--lr must be positive; --min-lr too", FlagNames.inFlags("TrainConfig.lr must be positive; TrainConfig.minLr too"));
        assertEquals("ModelSpec.context must be positive, got 0", FlagNames.inFlags("ModelSpec.context must be positive, got 0"));
        assertEquals("run/model.safetensors: bad", FlagNames.inFlags("run/model.safetensors: bad"));
    }

    @Test
    void copyOutThatIsAFileIsNamed() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        fails(1, "not-a-folder exists and is not a folder", "copy", "--out", file.toString());
    }

    @Test
    void checkpointFoldersThatAreMissingOrOfAnotherRun() throws IOException {
        fails(1, "missing-run", "sample", "--checkpoint", tmp.resolve("missing-run").toString());
        fails(1, "missing-run", "train", "--resume", tmp.resolve("missing-run").toString());
        Path mixed = copyRun("mixed");
        // A tokenizer from a different text: its vocabulary no longer fits the model.
        Files.writeString(mixed.resolve("checkpoint/tokenizer.json"), "{\"type\":\"char\",\"version\":1,\"codePoints\":[97,98]}");
        Files.writeString(mixed.resolve("best/tokenizer.json"), "{\"type\":\"char\",\"version\":1,\"codePoints\":[97,98]}");
        fails(1, "mixes files from different runs", "sample", "--checkpoint", mixed.toString());
    }

    @Test
    void damagedSafetensorsAreExplainedNotCrashedOn() throws IOException {
        // truncated
        Path truncated = copyRun("truncated");
        for (String slot : new String[] {"best", "checkpoint"}) {
            Path f = truncated.resolve(slot + "/model.safetensors");
            byte[] b = Files.readAllBytes(f);
            Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));
        }
        fails(1, "model.safetensors", "sample", "--checkpoint", truncated.toString());
        // an absurd header length: no out-of-memory, no hang
        Path absurd = copyRun("absurd");
        for (String slot : new String[] {"best", "checkpoint"}) {
            Path f = absurd.resolve(slot + "/model.safetensors");
            byte[] b = Files.readAllBytes(f);
            for (int i = 0; i < 8; i++) b[i] = (byte) 0x7F;
            Files.write(f, b);
        }
        fails(1, "model.safetensors", "sample", "--checkpoint", absurd.toString());
        // a wrong dtype
        Path dtype = copyRun("dtype");
        for (String slot : new String[] {"best", "checkpoint"}) {
            Path f = dtype.resolve(slot + "/model.safetensors");
            byte[] b = Files.readAllBytes(f);
            String s = new String(b, StandardCharsets.ISO_8859_1).replaceFirst("\"F32\"", "\"I32\"");
            Files.write(f, s.getBytes(StandardCharsets.ISO_8859_1));
        }
        fails(1, "I32", "sample", "--checkpoint", dtype.toString());
    }

    @Test
    void resumingWithADeletedTensorListsWhatIsMissing() throws IOException {
        Path edited = copyRun("edited");
        Path f = edited.resolve("checkpoint/model.safetensors");
        // Rewrite the file without one tensor, as a hand edit would.
        var file = dev.minitape.nn.io.SafeTensors.read(f);
        var tensors = new java.util.LinkedHashMap<>(file.tensors());
        tensors.remove("ln_f.bias");
        dev.minitape.nn.io.SafeTensors.write(f, tensors, file.metadata());
        fails(1, "ln_f.bias", "train", "--resume", edited.toString());
    }

    private static Path copyRun(String name) throws IOException {
        Path to = tmp.resolve(name);
        try (var walk = Files.walk(run)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(run.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
        return to;
    }

    @Test
    void aDivergingRunStopsNamingTheStepAndKeepsTheLastGoodCheckpoint() throws IOException {
        Path text = tmp.resolve("tiny.txt");
        Path out = tmp.resolve("diverged");
        fails(1, "the loss became NaN at step 2; lower --lr", "train", "--data", text.toString(), "--steps", "20",
                "--warmup", "1", "--eval-every", "5", "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "16",
                "--batch-size", "2", "--lr", "1e30", "--min-lr", "0", "--checkpoint-every", "1", "--sample-tokens", "0",
                "--out", out.toString());
        assertEquals(1, dev.minitape.lm.train.Checkpoint.load(out, dev.minitape.lm.train.Checkpoint.LATEST).state().step());
    }
}
