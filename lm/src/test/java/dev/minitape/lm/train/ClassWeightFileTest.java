package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both formats of a class-weights file, and the errors that name the file and line. */
class ClassWeightFileTest {
    private static final String[] TEXTS = {"a", "b", " ", "\n"};
    private static final IntFunction<String> TEXT = id -> TEXTS[id];

    @TempDir
    Path dir;

    private float[] read(String content) throws IOException {
        return ClassWeightFile.read(Files.writeString(dir.resolve("w"), content), TEXTS.length, TEXT);
    }

    private void fails(String expected, String content) {
        var e = assertThrows(IllegalArgumentException.class, () -> read(content));
        assertEquals("class weights file " + dir.resolve("w") + expected, e.getMessage());
    }

    @Test
    void oneWeightPerLineIsIndexedByTokenId() throws IOException {
        assertArrayEquals(new float[] {0.5f, 2, 0, 1e-3f}, read("0.5\n2\n0\n1e-3\n"));
    }

    @Test
    void aJsonObjectNamesTokensByTextAndTheRestWeighOne() throws IOException {
        assertArrayEquals(new float[] {1, 4, 0.25f, 1}, read("{ \"b\": 4, \" \": 0.25 }"));
        assertArrayEquals(new float[] {1, 1, 1, 3}, read("{\"\\n\": 3}"));
    }

    @Test
    void badLinesAreNamed() {
        fails(": 3 lines for a vocabulary of 4 tokens (expected one weight per token id)", "1\n2\n3\n");
        fails(", line 2: weight -1.0 must be a finite number >= 0", "1\n-1\n1\n1\n");
        fails(", line 4: weight NaN must be a finite number >= 0", "1\n1\n1\nNaN\n");
        fails(", line 3: 'x' is not a number", "1\n1\nx\n1\n");
    }

    @Test
    void badJsonIsNamed() {
        fails(", line 2: no token 'zz' in the tokenizer's vocabulary", "{\n  \"zz\": 1\n}");
        fails(", line 3: token 'a' is given twice", "{\n\"a\": 1,\n\"a\": 2}");
        fails(", line 1: the weight of 'a' is not a number", "{\"a\": \"heavy\"}");
        fails(", line 1: weight -2.0 must be a finite number >= 0", "{\"a\": -2}");
    }

    @Test
    void aTextSharedByTwoIdsCannotBeNamedInJson() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClassWeightFile.read(
                Files.writeString(dir.resolve("w"), "{\"?\": 2}"), 2, id -> "?"));
        assertEquals("class weights file " + dir.resolve("w") + ", line 1: '?' is the text of several token ids; "
                + "use one weight per line instead", e.getMessage());
    }
}
