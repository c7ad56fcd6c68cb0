package dev.minitape.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runs Broadcast hands out, each as (out, aAt, aStep, bAt, bStep, len), for shapes a reader can check by hand. */
class BroadcastTest {

    private static List<String> runs(int[] shape, int[] aStrides, int[] bStrides) {
        List<String> runs = new ArrayList<>();
        Broadcast.runs(shape, aStrides, bStrides,
                (out, aAt, aStep, bAt, bStep, len) -> runs.add(out + " " + aAt + " " + aStep + " " + bAt + " " + bStep + " " + len));
        return runs;
    }

    @Test
    void sameShapeOperandsComeAsOneRun() {
        assertEquals(List.of("0 0 1 0 1 24"), runs(new int[] {2, 3, 4}, new int[] {12, 4, 1}, new int[] {12, 4, 1}));
        // A dim of 1 has no stride that matters, whatever it says.
        assertEquals(List.of("0 0 1 0 1 6"), runs(new int[] {2, 1, 3}, new int[] {3, 0, 1}, new int[] {3, 3, 1}));
        assertEquals(List.of("0 0 1 0 1 1"), runs(new int[0], new int[0], new int[0]));     // scalars
    }

    @Test
    void anEmptyOutputHasNoRuns() {
        assertEquals(List.of(), runs(new int[] {2, 0, 3}, new int[] {0, 3, 1}, new int[] {0, 3, 1}));
        assertEquals(List.of(), runs(new int[] {0}, new int[] {1}, new int[] {1}));
    }

    @Test
    void aBroadcastOperandStandsStillAlongItsBroadcastDims() {
        // (2, 3) + (3): b's rows repeat.
        assertEquals(List.of("0 0 1 0 1 3", "3 3 1 0 1 3"), runs(new int[] {2, 3}, new int[] {3, 1}, new int[] {0, 1}));
        // (2, 3) + (2, 1): b is one number per run.
        assertEquals(List.of("0 0 1 0 0 3", "3 3 1 1 0 3"), runs(new int[] {2, 3}, new int[] {3, 1}, new int[] {1, 0}));
        // (2, 1, 2) + (3, 1) → (2, 3, 2): the odometer carries from the middle dim into the first.
        assertEquals(List.of("0 0 1 0 0 2", "2 0 1 1 0 2", "4 0 1 2 0 2", "6 2 1 0 0 2", "8 2 1 1 0 2", "10 2 1 2 0 2"),
                runs(new int[] {2, 3, 2}, new int[] {2, 0, 1}, new int[] {0, 1, 0}));
    }
}
