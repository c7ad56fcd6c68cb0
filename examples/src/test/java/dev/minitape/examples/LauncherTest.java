package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.lm.train.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar's entry point as a user meets it: a plain {@code java} with no options starts {@link Launcher}, which
 * runs the CLI in a child JVM with the Vector API kernels. Each test starts a real launcher process (this test's
 * class path stands in for the jar) and checks what the user sees: output, exit codes, signals.
 */
class LauncherTest {
    @TempDir
    static Path tmp;

    /** {@code java [jvmOptions] Launcher args} with the given environment; stdout and stderr go to files. */
    static Process launch(Map<String, String> env, List<String> jvmOptions, String name, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Subprocesses.javaCommand(jvmOptions, Launcher.class, args)).redirectOutput(tmp.resolve(name + ".out").toFile())
                .redirectError(tmp.resolve(name + ".err").toFile());
        builder.environment().remove(Launcher.PLAIN_JVM);
        builder.environment().putAll(env);
        return builder.start();
    }

    record Outcome(int code, String out, String err) {}

    static Outcome run(Map<String, String> env, List<String> jvmOptions, String name, String... args) throws Exception {
        Process p = launch(env, jvmOptions, name, args);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), name + " finishes");
        return new Outcome(p.exitValue(), read(name + ".out"), read(name + ".err"));
    }

    static String read(String file) throws IOException {
        return Files.readString(tmp.resolve(file), StandardCharsets.UTF_8);
    }

    /** The run's stderr, for a failure message. */
    static String log(String name) {
        try {
            return read(name + ".err");
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static Process train(String name, int steps) throws IOException {
        return launch(Map.of(), List.of(), name, "train", "--data", Subprocesses.trainingText(tmp).toString(),
                "--steps", Integer.toString(steps), "--warmup", "5", "--eval-every", "50", "--n-layer", "1", "--n-embd", "32",
                "--n-head", "2", "--block-size", "32", "--batch-size", "4", "--checkpoint-every", "1", "--threads", "1",
                "--sample-tokens", "0", "--out", tmp.resolve(name).toString());
    }

    /** The launcher's one child JVM (the CLI), once it has started (not the brief {@code sh} of {@link Terminal}). */
    static ProcessHandle child(Process launcher) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            List<ProcessHandle> children = launcher.children()
                    .filter(c -> c.info().command().map(command -> command.endsWith("java")).orElse(false)).toList();
            if (!children.isEmpty()) return children.get(0);
            Thread.sleep(50);
        }
        throw new AssertionError("the launcher started no child JVM");
    }

    static void signal(String signal, ProcessHandle... processes) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
        for (ProcessHandle p : processes) cmd.add(Long.toString(p.pid()));
        assertEquals(0, new ProcessBuilder(cmd).start().waitFor());
    }

    @Test
    void aPlainJvmRunsTheVectorApiKernelsWithoutTheIncubatorWarning() throws Exception {
        Outcome o = run(Map.of(), List.of(), "version", "--version");
        assertEquals(0, o.code, o.err);
        assertTrue(o.out.contains("Vector API kernels"), o.out);
        assertEquals("", o.err, "nothing on stderr, the JDK's incubator warning included");
    }

    @Test
    void theOptOutRunsThePlainKernelsInTheJvmTheUserStarted() throws Exception {
        Outcome o = run(Map.of(Launcher.PLAIN_JVM, "1"), List.of(), "plain", "--version");
        assertEquals(0, o.code, o.err);
        assertTrue(o.out.contains("plain-Java kernels (MINITAPE_PLAIN_JVM is set)"), o.out);

        Outcome bad = run(Map.of(Launcher.PLAIN_JVM, "maybe"), List.of(), "plain-bad", "--version");
        assertEquals(2, bad.code);
        assertEquals("minitape: MINITAPE_PLAIN_JVM must be 1 (run in this JVM, plain kernels) or 0, got 'maybe'",
                bad.err.strip());
    }

    @Test
    void theUsersJvmOptionsReachTheChild() throws Exception {
        Outcome o = run(Map.of(), List.of("-Xmx200m", "-XX:ActiveProcessorCount=1"), "options", "--version");
        assertEquals(0, o.code, o.err);
        assertTrue(o.out.contains("threads: 1,"), o.out);
        assertTrue(o.out.matches("(?s).*max heap: 19\\d MB.*"), o.out);

        // picocli reads its help width from a system property: the child must see the -D the user typed
        Outcome wide = run(Map.of(), List.of(), "help-wide", "train", "--help");
        Outcome narrow = run(Map.of(), List.of("-Dpicocli.usage.width=60"), "help-narrow", "train", "--help");
        assertTrue(wide.out.lines().anyMatch(l -> l.length() > 60), "the default help is wider than 60");
        assertTrue(narrow.out.lines().allMatch(l -> l.length() <= 60), narrow.out);
    }

    @Test
    void exitCodesAndErrorLinesAreTheChilds() throws Exception {
        Outcome usage = run(Map.of(), List.of(), "usage", "train", "--steps", "0");
        assertEquals(2, usage.code);
        assertEquals("minitape: --steps must be positive, got 0", usage.err.strip());

        Outcome missing = run(Map.of(), List.of(), "missing", "sample", "--checkpoint", tmp.resolve("nothing").toString());
        assertEquals(1, missing.code);
        assertTrue(missing.err.startsWith("minitape: ") && missing.err.contains("nothing"), missing.err);
        assertFalse(missing.err.contains("\tat "), "no stack trace: " + missing.err);
    }

    @Test
    void sampledTokensArriveWhileTheChildStillRunsAndSigtermEndsBoth() throws Exception {
        Process trained = train("streamed", 10);
        assertTrue(trained.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, trained.exitValue(), read("streamed.err"));

        List<String> cmd = Subprocesses.javaCommand(List.of(), Launcher.class, "sample", "--checkpoint",
                tmp.resolve("streamed").toString(), "--tokens", "100000000", "--prompt", "the");
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("stream.err").toFile()).start();
        ProcessHandle child = child(p);
        InputStream out = p.getInputStream();
        byte[] first = out.readNBytes(200);                 // a hundred million tokens take minutes to print
        assertEquals(200, first.length);
        assertTrue(new String(first, StandardCharsets.UTF_8).startsWith("the"));
        assertTrue(p.isAlive() && child.isAlive(), "tokens stream out while sampling goes on");

        p.destroy();                                        // SIGTERM to the launcher alone
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue(), "the child's exit code after SIGTERM (128 + 15)");
        assertFalse(child.isAlive(), "the signal reached the child, and the launcher waited for it");
    }

    @Test
    void ctrlCReachesTheRunWhichSavesACheckpointThatResumeFinishes() throws Exception {
        Process p = train("interrupted", 400);
        ProcessHandle child = child(p);
        CrashSafetyTest.awaitCheckpoint(tmp.resolve("interrupted"), 0, p, () -> log("interrupted"));
        signal("INT", p.toHandle(), child);                  // a terminal's Ctrl-C signals both processes
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after Ctrl-C");
        assertEquals(130, p.exitValue(), "128 + SIGINT, as without the launcher");
        assertTrue(read("interrupted.err").contains("interrupted: saved step"), read("interrupted.err"));
        int saved = Checkpoint.load(tmp.resolve("interrupted"), Checkpoint.LATEST).state().step();
        assertTrue(saved > 0 && saved < 400, "saved at step " + saved);

        Process resumed = launch(Map.of(), List.of(), "resumed", "train", "--resume", tmp.resolve("interrupted").toString(),
                "--sample-tokens", "0");
        assertTrue(resumed.waitFor(120, TimeUnit.SECONDS), "the resumed run finishes");
        assertEquals(0, resumed.exitValue(), read("resumed.err"));
        assertEquals(400, Checkpoint.load(tmp.resolve("interrupted"), Checkpoint.LATEST).state().step());
    }

    @Test
    void aSignalToTheLauncherAloneStillSavesTheRun() throws Exception {
        Process p = train("int-launcher", 1_000_000);
        ProcessHandle child = child(p);
        CrashSafetyTest.awaitCheckpoint(tmp.resolve("int-launcher"), 0, p, () -> log("int-launcher"));
        signal("INT", p.toHandle());                         // kill -INT of the launcher's pid only
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits");
        assertFalse(child.isAlive());
        assertTrue(read("int-launcher.err").contains("interrupted: saved step"), read("int-launcher.err"));
    }

    @Test
    void aKilledLauncherLeavesNoTrainingRunning() throws Exception {
        Process p = train("orphaned", 1_000_000);
        ProcessHandle child = child(p);
        CrashSafetyTest.awaitCheckpoint(tmp.resolve("orphaned"), 0, p, () -> log("orphaned"));
        p.destroyForcibly();                                // SIGKILL: the launcher can pass nothing on
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        child.onExit().get(30, TimeUnit.SECONDS);           // the child notices it is alone and exits
        assertFalse(child.isAlive());
        assertTrue(Checkpoint.load(tmp.resolve("orphaned"), Checkpoint.LATEST).state().step() > 0);
    }
}
