package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.kernels.KernelTier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** --kernels selects the tier for the run; --version names it; a bad value is a usage error. */
class KernelOptionTest {

    @AfterEach
    void backToTheFastTier() {
        KernelTier.select("fast");                                  // the tier is process-wide: other tests expect fast
    }

    @Test
    void explainPrintsTheSameFiguresOnEitherTier() {
        CliErrorsTest.Outcome fast = CliErrorsTest.cli("explain", "--kernels", "fast");
        CliErrorsTest.Outcome reference = CliErrorsTest.cli("explain", "--kernels", "reference");
        assertEquals(0, reference.code(), reference.err());
        assertEquals("reference", KernelTier.current());
        assertEquals(fast.out(), reference.out(), "explain's figures, printed to a few digits, do not depend on the tier");
    }

    @Test
    void versionNamesTheTier() {
        KernelTier.select("reference");
        assertTrue(CliErrorsTest.cli("--version").out().contains("reference tier"));
        KernelTier.select("fast");
        assertTrue(CliErrorsTest.cli("--version").out().contains("fast tier"));
    }

    @Test
    void anUnknownTierIsAUsageError() {
        for (String command : new String[] {"train", "sample", "eval", "copy", "explain"}) {
            CliErrorsTest.fails(2, "Invalid value for option '--kernels': 'slow' (expected fast or reference)",
                    command, "--kernels", "slow");
        }
        assertEquals("fast", KernelTier.current());
    }
}
