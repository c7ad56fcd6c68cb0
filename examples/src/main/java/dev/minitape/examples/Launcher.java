package dev.minitape.examples;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.module.ModuleFinder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The jar's entry point: makes the plain {@code java -jar minitape.jar} command the fast one. The Vector API kernels
 * need the JVM option {@code --add-modules jdk.incubator.vector}, which users do not type, so when the module is
 * missing the launcher starts the CLI again in a child JVM with it ({@link ChildJvm} has the options) and stands
 * between the child and the user so that nothing they see changes:
 * <ul>
 *   <li>stdin and stdout are the child's own (sample's tokens stream as they come); stderr passes through
 *       {@link IncubatorWarningFilter}, which drops the JDK's one incubator warning line; the child is told
 *       whether the launcher's stderr is a terminal ({@link Terminal}), since its own is a pipe;</li>
 *   <li>the exit code is the child's;</li>
 *   <li>a SIGINT or SIGTERM to the launcher reaches the child (Ctrl-C reaches both) and the launcher exits only
 *       when the child has, so a training run saves its checkpoint first;</li>
 *   <li>a child whose launcher is killed outright (SIGKILL) notices and exits: no training is left running.</li>
 * </ul>
 * {@code MINITAPE_PLAIN_JVM=1} runs the CLI in the JVM the user started, as does a JVM that already has the module
 * (or a JDK without it).
 */
public final class Launcher {
    static final String PLAIN_JVM = "MINITAPE_PLAIN_JVM";

    private Launcher() {}

    public static void main(String[] args) throws InterruptedException {
        Boolean plain = plainJvmRequested(System.getenv(PLAIN_JVM));
        if (plain == null) {
            System.err.println("minitape: " + PLAIN_JVM + " must be 1 (run in this JVM, plain kernels) or 0, got '"
                    + System.getenv(PLAIN_JVM) + "'");
            System.exit(2);
        }
        if (plain || !canRelaunch()) {
            Main.main(args);
            return;
        }
        Process child;
        try {
            child = start(args);
        } catch (IOException e) {
            System.err.println("minitape: could not start a JVM with the Vector API kernels (" + e.getMessage()
                    + "); running with the plain kernels");
            Main.main(args);
            return;
        }
        System.exit(await(child));
    }

    /** true for 1/true/yes, false for unset, empty, 0/false/no, null for anything else. */
    static Boolean plainJvmRequested(String value) {
        if (value == null) return false;
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "yes" -> true;
            case "", "0", "false", "no" -> false;
            default -> null;
        };
    }

    /** The module is missing from this JVM but the JDK has it. */
    private static boolean canRelaunch() {
        return ModuleLayer.boot().findModule(ChildJvm.VECTOR_MODULE).isEmpty()
                && ModuleFinder.ofSystem().find(ChildJvm.VECTOR_MODULE).isPresent();
    }

    private static Process start(String[] args) throws IOException {
        List<String> userOptions = ManagementFactory.getRuntimeMXBean().getInputArguments();
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.command(System.getProperty("java.home"), userOptions,
                System.getProperty("java.class.path"), ProcessHandle.current().pid(), Terminal.ownStderrIsTerminal(),
                Arrays.asList(args)));
        // Their options are among the user's options already: the child would apply and announce them twice.
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        return builder.redirectInput(ProcessBuilder.Redirect.INHERIT).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    /** Copies the child's stderr until it ends, forwards signals meanwhile; returns the child's exit code. */
    private static int await(Process child) {
        Thread stderr = new Thread(() -> copy(child.getErrorStream(),
                new IncubatorWarningFilter(new FileOutputStream(FileDescriptor.err))), "minitape-stderr");
        stderr.setDaemon(true);
        stderr.start();
        // Runs when this JVM is told to stop (SIGINT, SIGTERM, SIGHUP): the child is told too (SIGTERM, which it
        // handles as Ctrl-C), and this JVM ends with the child's exit code once the child is done. A terminal's
        // Ctrl-C reaches the child at the same moment: the grace lets its own SIGINT start its shutdown first, so
        // it exits 130 as without the launcher, not 143 from a SIGTERM that overtook it.
        Thread forward = new Thread(() -> {
            waitForExit(child, SIGNAL_GRACE_MS);
            child.toHandle().destroy();          // the signal alone: Process.destroy would also close its stderr
            Runtime.getRuntime().halt(exitCode(child, stderr));
        }, "minitape-forward-signal");
        Runtime.getRuntime().addShutdownHook(forward);
        int code = exitCode(child, stderr);
        try {
            Runtime.getRuntime().removeShutdownHook(forward);
        } catch (IllegalStateException shuttingDown) {
            // a signal came as the child ended: the hook exits with the same code
        }
        return code;
    }

    /** How long a signalled launcher waits for the child to act on the same signal before passing it on. */
    private static final long SIGNAL_GRACE_MS = 300;

    private static void waitForExit(Process child, long millis) {
        try {
            child.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the child and for the last of its stderr. */
    private static int exitCode(Process child, Thread stderr) {
        while (true) {
            try {
                int code = child.waitFor();
                stderr.join();
                return code;
            } catch (InterruptedException e) {
                // keep waiting: the child's exit code is the one to report
            }
        }
    }

    private static void copy(InputStream from, OutputStream to) {
        byte[] buffer = new byte[8192];
        try (from; to) {
            for (int n; (n = from.read(buffer)) >= 0; ) to.write(buffer, 0, n);
        } catch (IOException stderrGone) {
            // nothing left to report to
        }
    }

    /** When the user's command started: the launcher's start in a child JVM, else this process's. */
    static Optional<Instant> launchedAt() {
        String pid = System.getProperty(ChildJvm.LAUNCHER_PID);
        ProcessHandle launched = pid == null ? ProcessHandle.current()
                : ProcessHandle.of(Long.parseLong(pid)).orElse(ProcessHandle.current());
        return launched.info().startInstant();
    }

    /**
     * In a child: exits once its launcher is gone (killed outright, so it could not pass a signal on). Exiting
     * runs the shutdown hooks, so a training run saves its checkpoint as on Ctrl-C.
     */
    static void exitWithLauncher() {
        String pid = System.getProperty(ChildJvm.LAUNCHER_PID);
        if (pid == null) return;
        long launcher = Long.parseLong(pid);
        Thread watch = new Thread(() -> {
            while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == launcher) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.exit(1);
        }, "minitape-launcher-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
