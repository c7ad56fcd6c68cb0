package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The words of --class-weights and what each makes. */
class ClassWeightSpecTest {
    private static final long[] COUNTS = {6, 3, 1, 0};

    @Test
    void eachWordMakesItsWeighting(@TempDir Path dir) throws IOException {
        assertNull(ClassWeightSpec.parse("none").make(COUNTS, String::valueOf));
        assertEquals("balanced", ClassWeightSpec.parse("balanced").make(COUNTS, String::valueOf).method());
        assertEquals(new ClassWeightSpec.Effective(0.9), ClassWeightSpec.parse("effective:0.9"));
        Path file = Files.writeString(dir.resolve("w.txt"), "1\n2\n3\n4\n");
        ClassWeights w = ClassWeightSpec.parse(file.toString()).make(COUNTS, String::valueOf);
        assertEquals("file:" + file, w.method());
        assertArrayEquals(new float[] {1, 2, 3, 4}, w.weights());
    }

    @Test
    void aWordThatIsNoneOfTheChoicesNamesThem() {
        String usage = "ClassWeights.spec must be none, balanced, effective:BETA or a FILE of weights, got ";
        assertEquals(usage + "'balance' (no such file)", message("balance"));
        assertEquals(usage + "'effective:1' (BETA must be in [0, 1))", message("effective:1"));
        assertEquals(usage + "'effective:-0.1' (BETA must be in [0, 1))", message("effective:-0.1"));
        assertEquals(usage + "'effective:NaN' (BETA must be in [0, 1))", message("effective:NaN"));
        assertEquals(usage + "'effective:' (BETA is not a number)", message("effective:"));
    }

    private static String message(String spec) {
        return assertThrows(IllegalArgumentException.class, () -> ClassWeightSpec.parse(spec)).getMessage();
    }
}
