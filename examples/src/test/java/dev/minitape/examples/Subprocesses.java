package dev.minitape.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the tests that run minitape in a fresh JVM share: the command line, and a text to train on. */
final class Subprocesses {
    private Subprocesses() {}

    /** {@code java [jvmOptions] -cp <this test's class path> mainClass args}, with the java running this test. */
    static List<String> javaCommand(List<String> jvmOptions, Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** dir/text.txt, written on first use: one sentence repeated, enough for runs of a few hundred steps. */
    static Path trainingText(Path dir) throws IOException {
        Path text = dir.resolve("text.txt");
        if (Files.notExists(text)) {
            Files.writeString(text, "the cat sat on the mat and the dog ran in the garden. ".repeat(400));
        }
        return text;
    }
}
