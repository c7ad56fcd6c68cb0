package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --data} with several files and a folder, {@code --val-data}, and the token cache. */
class TrainDataTest {
    @TempDir
    Path tmp;

    private CliErrorsTest.Outcome train(Path out, String... data) {
        List<String> args = new ArrayList<>(List.of("train", "--steps", "2", "--warmup", "1", "--eval-every", "2",
                "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "8", "--batch-size", "2",
                "--sample-tokens", "0", "--threads", "1", "--cache-dir", tmp.resolve("cache").toString(), "--out", out.toString()));
        args.addAll(List.of(data));
        return CliErrorsTest.cli(args.toArray(String[]::new));
    }

    private static long[] tokenCounts(String out) {
        Matcher m = Pattern.compile("([\\d,]+) training tokens, ([\\d,]+) validation tokens").matcher(out);
        assertTrue(m.find(), out);
        return new long[] {Long.parseLong(m.group(1).replace(",", "")), Long.parseLong(m.group(2).replace(",", ""))};
    }

    @Test
    void filesAndAFolderAreJoinedAndTheSecondRunReadsTheCachedTokens() throws IOException {
        Path a = tmp.resolve("a.txt"), dir = tmp.resolve("more");
        Files.writeString(a, "the cat sat on the mat. ".repeat(20));                  // 480 characters
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/c.txt"), "a dog sat on a log. ".repeat(10));  // 200
        Files.writeString(dir.resolve("b.txt"), "the end. ".repeat(10));                // 90
        CliErrorsTest.Outcome first = train(tmp.resolve("run1"), "--data", a.toString(), "--data", dir.toString());
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("(3 files, 770 bytes)"), first.out());
        assertTrue(first.out().contains("tokenized 770 bytes into 774 tokens in "), first.out());   // + 2 empty lines
        long[] counts = tokenCounts(first.out());
        assertEquals(774, counts[0] + counts[1]);
        String recorded = Files.readString(tmp.resolve("run1").resolve(RunData.FILE));
        assertTrue(recorded.contains(dir.toAbsolutePath().toString()) && recorded.indexOf("a.txt") < recorded.indexOf("more"), recorded);

        CliErrorsTest.Outcome second = train(tmp.resolve("run2"), "--data", a.toString(), "--data", dir.toString());
        assertEquals(0, second.code(), second.err());
        assertTrue(second.out().contains("tokens: cached "), second.out());
        assertFalse(second.out().contains("tokenized "), second.out());
        assertEquals(first.out().lines().filter(l -> l.startsWith("step 2:")).toList(),
                second.out().lines().filter(l -> l.startsWith("step 2:")).toList(), "the same tokens, the same run");
    }

    @Test
    void valDataIsTheValidationSetAndTemperatureFittingReadsItAgain() throws IOException {
        Path text = tmp.resolve("train.txt"), val = tmp.resolve("val.txt");
        Files.writeString(text, "the cat sat on the mat. ".repeat(20));
        Files.writeString(val, "the mat sat on the cat. ".repeat(3));
        Path run = tmp.resolve("run");
        CliErrorsTest.Outcome o = train(run, "--data", text.toString(), "--val-data", val.toString());
        assertEquals(0, o.code(), o.err());
        long[] counts = tokenCounts(o.out());
        assertEquals(480, counts[0], "all of --data trains");
        assertEquals(72, counts[1], "--val-data validates");
        CliErrorsTest.Outcome eval = CliErrorsTest.cli("eval", "--checkpoint", run.toString(), "--data", val.toString(),
                "--temperature");
        assertEquals(0, eval.code(), eval.err());
    }

    @Test
    void aValidationCharacterTheTrainingTextLacksIsOneLineNamingTheFile() throws IOException {
        Path text = tmp.resolve("train.txt"), val = tmp.resolve("val.txt");
        Files.writeString(text, "abcabcabc ".repeat(20));
        Files.writeString(val, "abcabcabcz".repeat(3));
        CliErrorsTest.Outcome o = train(tmp.resolve("run"), "--data", text.toString(), "--val-data", val.toString());
        assertEquals(2, o.code(), o.out());
        assertEquals("minitape: " + val + ": character U+007A 'z' is not in the char tokenizer's vocabulary (the characters "
                + "of the training text); use --tokenizer bpe, which encodes any text", o.err().strip());
    }
}
