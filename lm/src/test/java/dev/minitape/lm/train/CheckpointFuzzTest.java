package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minitape.core.Rng;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random and mutated config.json and state.json files: loading the checkpoint either fails with an IOException
 * that names the checkpoint's folder (or a file in it), or loads what was saved wherever the damage did not
 * reach: the other files whole, and each field of the damaged file whose JSON value the damage left as it was.
 * Never another exception, never an out-of-memory error.
 */
class CheckpointFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static byte[] config, state;
    private static Checkpoint.Contents saved;

    @BeforeContainer
    static void saveACheckpoint() throws IOException {
        dir = Files.createTempDirectory("ckpt-fuzz");
        saved = SavedCheckpoints.atStep(3, "abcdefgh ");
        Checkpoint.save(dir, Checkpoint.LATEST, saved);
        config = Files.readAllBytes(dir.resolve("checkpoint/config.json"));
        state = Files.readAllBytes(dir.resolve("checkpoint/state.json"));
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /**
     * Swaps a number for a huge one, cuts the file short, rewrites a few bytes, or changes a few digits (which
     * keeps the JSON valid, so some damaged files load).
     */
    private static byte[] mutate(byte[] original, long seed) {
        Rng rng = new Rng(seed);
        String s = new String(original, StandardCharsets.UTF_8);
        switch (rng.nextInt(5)) {
            case 0 -> s = s.replaceAll("\"nEmbd\" : \\d+", "\"nEmbd\" : " + (1 + rng.nextInt(Integer.MAX_VALUE)));
            case 1 -> s = s.replaceAll("\"vocabSize\" : \\d+", "\"vocabSize\" : " + (rng.nextInt(3) - 1) * rng.nextInt(1 << 30));
            case 2 -> s = s.substring(0, rng.nextInt(s.length() + 1));
            case 3 -> {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                int[] digits = IntStream.range(0, b.length).filter(i -> Character.isDigit(b[i])).toArray();
                for (int k = 0; k < 1 + rng.nextInt(3); k++) b[digits[rng.nextInt(digits.length)]] = (byte) ('0' + rng.nextInt(10));
                return b;
            }
            default -> {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                for (int k = 0; k < 1 + rng.nextInt(4); k++) b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
                return b;
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Property(tries = 300, seed = "20261128")
    void aDamagedConfigOrStateIsAnIOExceptionNamingTheFolderOrLoadsWhatTheDamageLeft(@ForAll long seed,
                                                                                    @ForAll boolean damageState)
            throws IOException {
        byte[] damaged = mutate(damageState ? state : config, seed);
        Files.write(dir.resolve("checkpoint/config.json"), damageState ? config : damaged);
        Files.write(dir.resolve("checkpoint/state.json"), damageState ? damaged : state);
        Checkpoint.Contents loaded;
        try {
            loaded = Checkpoint.load(dir, Checkpoint.LATEST);
        } catch (IOException rejected) {
            assertTrue(rejected.getMessage().startsWith(dir.resolve("checkpoint").toString()), rejected.getMessage());
            Statistics.collect("rejected");
            return;
        }
        Statistics.collect(damageState ? "loaded a damaged state" : "loaded a damaged config");
        SavedCheckpoints.assertSameWeightsTokenizerAndOptimizer(saved, loaded);
        if (damageState) {
            assertEquals(configOf(saved), configOf(loaded));
            assertAsSavedWhereUntouched("", JSON.readTree(state), json(damaged, "state.json"),
                    JSON.valueToTree(saved.state()), JSON.valueToTree(loaded.state()));
        } else {
            assertEquals(saved.state(), loaded.state());
            assertAsSavedWhereUntouched("", JSON.readTree(config), json(damaged, "config.json"),
                    JSON.valueToTree(configOf(saved)), JSON.valueToTree(configOf(loaded)));
        }
    }

    /** The damaged file's JSON: a file that loaded must be JSON. */
    private static JsonNode json(byte[] damaged, String name) {
        try {
            return JSON.readTree(damaged);
        } catch (IOException e) {
            throw new AssertionError("a checkpoint loaded with a " + name + " that is not JSON: " + e.getMessage(), e);
        }
    }

    /** What config.json records. */
    private static Map<String, Object> configOf(Checkpoint.Contents c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", c.spec());
        m.put("train", c.train());
        m.put("data", c.data());
        return m;
    }

    /**
     * Where the damaged file's JSON equals the original's, the loaded value equals the saved one; inside objects the
     * damage changed, field by field. (Both files are read the same way, so a change of spacing or of a number's
     * spelling that keeps its value is no damage.)
     */
    private static void assertAsSavedWhereUntouched(String path, JsonNode original, JsonNode damaged, JsonNode written,
                                                    JsonNode read) {
        if (original.equals(damaged)) {
            assertEquals(written, read, "untouched: " + (path.isEmpty() ? "the whole file" : path));
        } else if (original.isObject() && damaged.isObject()) {
            written.fieldNames().forEachRemaining(f -> {
                if (original.has(f) && damaged.has(f)) {
                    assertAsSavedWhereUntouched(path + "." + f, original.get(f), damaged.get(f), written.get(f), read.get(f));
                }
            });
        }
    }
}
