package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChildJvmTest {
    static List<String> command(List<String> userOptions) {
        return ChildJvm.command("/jdk", userOptions, "minitape.jar", 42, true, List.of("train", "--steps", "5"));
    }

    @Test
    void theFastSettingsComeFirstThenTheUsersOptionsThenTheCli() {
        assertEquals(List.of("/jdk/bin/java", "--add-modules=jdk.incubator.vector", "-XX:+UseSerialGC", "-Xmn64m",
                        "-Dkey=value", "-Dminitape.launcher.pid=42", "-Dminitape.stderr.tty=true", "-cp", "minitape.jar", Main.class.getName(),
                        "train", "--steps", "5"),
                command(List.of("-Dkey=value")));
    }

    @Test
    void aCollectorOrYoungGenerationTheUserChoseIsNotContradicted() {
        List<String> g1 = command(List.of("-XX:+UseG1GC"));
        assertFalse(g1.contains("-XX:+UseSerialGC"), g1.toString());
        assertTrue(g1.contains("-Xmn64m"));
        List<String> young = command(List.of("-Xmn300m"));
        assertFalse(young.contains("-Xmn64m"), young.toString());
        assertTrue(young.contains("-XX:+UseSerialGC"));
    }

    @Test
    void aSmallHeapGetsNoFixedYoungGeneration() {
        assertFalse(command(List.of("-Xmx128m")).contains("-Xmn64m"), "64 MB of young generation in 128 MB");
        assertTrue(command(List.of("-Xmx1g")).contains("-Xmn64m"));
        assertEquals(128L << 20, ChildJvm.maxHeap(List.of("-Xmx4g", "-Xmx128M")), "the last -Xmx wins");
        assertEquals(Long.MAX_VALUE, ChildJvm.maxHeap(List.of("-Xms1g")));
    }
}
