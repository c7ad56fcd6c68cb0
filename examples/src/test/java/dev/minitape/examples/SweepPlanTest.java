package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How sweep's options become runs: which options are axes, the order of the runs, their folders and train's arguments. */
class SweepPlanTest {
    @Test
    void everyListIsAnAxisTheFirstVariesSlowestAndTheSeedFastest() {
        List<SweepPlan.Run> runs = SweepPlan.expand(List.of("--steps", "4", "--label-smoothing", "0,0.1", "--model",
                "gpt,mlp"), List.of(1L, 2L));
        assertEquals(List.of("ls0_model-gpt_seed1", "ls0_model-gpt_seed2", "ls0_model-mlp_seed1", "ls0_model-mlp_seed2",
                "ls0.1_model-gpt_seed1", "ls0.1_model-gpt_seed2", "ls0.1_model-mlp_seed1", "ls0.1_model-mlp_seed2"),
                runs.stream().map(SweepPlan.Run::name).toList());
        assertEquals(Map.of("--label-smoothing", "0.1", "--model", "mlp", "--seed", "2"), runs.get(7).axes());
        assertEquals(List.of("--steps", "4", "--label-smoothing", "0.1", "--model", "mlp", "--seed", "2"),
                runs.get(7).trainArgs());
    }

    @Test
    void withoutSeedsEachRunGetsTrainsDefaultSeed() {
        List<SweepPlan.Run> runs = SweepPlan.expand(List.of("--lr=1e-3,3e-3"), null);
        assertEquals("lr1e-3_seed1337", runs.get(0).name());
        assertEquals("lr3e-3_seed1337", runs.get(1).name());
        assertEquals(List.of("--lr", "3e-3", "--seed", "1337"), runs.get(1).trainArgs());
    }

    @Test
    void anEscapedCommaStaysInItsValueAndAPathIsNamedByItsFile() {
        List<SweepPlan.Run> runs = SweepPlan.expand(List.of("--data", "texts/a\\,b.txt,other/c.txt"), List.of(7L));
        assertEquals(List.of("data-a-b.txt_seed7", "data-c.txt_seed7"), runs.stream().map(SweepPlan.Run::name).toList());
        assertEquals("texts/a,b.txt", runs.get(0).axes().get("--data"));
    }

    @Test
    void aRepeatedDataTrainsEveryRunOnAllItsPathsWhileAListIsAnAxis() {
        List<SweepPlan.Run> runs = SweepPlan.expand(List.of("--data", "a.txt", "--data", "texts", "--lr", "1e-3,3e-3"),
                List.of(1L));
        assertEquals(2, runs.size());
        assertEquals(List.of("--data", "a.txt", "--data", "texts", "--lr", "3e-3", "--seed", "1"), runs.get(1).trainArgs());
    }

    @Test
    void badOptionsAreNamed() {
        assertTrue(fails(List.of("--no-such", "1")).contains("'--no-such' is not an option of train"));
        assertTrue(fails(List.of("--resume", "runs/x")).contains("no --resume"));
        assertTrue(fails(List.of("--seed", "1,2")).contains("--seeds"));
        assertTrue(fails(List.of("--label-smoothing", "0,,0.1")).contains("empty value"));
        assertTrue(fails(List.of("--steps")).contains("--steps needs a value"));
        assertTrue(fails(List.of("--data", "a/x.txt,b/x.txt")).contains("would share the folder data-x.txt_seed1"));
    }

    private static String fails(List<String> args) {
        return assertThrows(IllegalArgumentException.class, () -> SweepPlan.expand(args, List.of(1L))).getMessage();
    }
}
