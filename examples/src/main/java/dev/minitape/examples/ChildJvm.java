package dev.minitape.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that starts the CLI again in a JVM with the fast settings: the Vector API module (the matmul and
 * exponential kernels that use it), the serial collector and a 64 MB young generation (a training step that reuses
 * its buffers allocates about 0.3 MB, so a small young generation keeps the process near its live data). The user's
 * own JVM options come after these, so theirs win; a collector or young-generation size they chose is not
 * contradicted.
 */
final class ChildJvm {
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** Set in the child to the launcher's process id: the child exits if its launcher is gone. */
    static final String LAUNCHER_PID = "minitape.launcher.pid";

    private static final long SMALLEST_HEAP_FOR_XMN = 256L << 20;

    private ChildJvm() {}

    /**
     * The child's command line.
     *
     * @param javaHome the running JVM's home (the child uses the same java)
     * @param userOptions the JVM options the user gave (RuntimeMXBean's input arguments)
     * @param classPath the running JVM's class path
     * @param launcherPid this process, which the child watches
     * @param stderrTerminal whether this process's stderr is a terminal (the child's is a pipe to this process)
     * @param args the command-line arguments for the CLI
     */
    static List<String> command(String javaHome, List<String> userOptions, String classPath, long launcherPid,
                                boolean stderrTerminal, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(javaHome, "bin", "java").toString());
        cmd.add("--add-modules=" + VECTOR_MODULE);
        if (userOptions.stream().noneMatch(ChildJvm::choosesCollector)) cmd.add("-XX:+UseSerialGC");
        if (userOptions.stream().noneMatch(ChildJvm::sizesYoungGeneration) && maxHeap(userOptions) >= SMALLEST_HEAP_FOR_XMN) {
            cmd.add("-Xmn64m");
        }
        cmd.addAll(userOptions);
        cmd.add("-D" + LAUNCHER_PID + "=" + launcherPid);
        cmd.add("-D" + Terminal.STDERR_TTY + "=" + stderrTerminal);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        return cmd;
    }

    private static boolean choosesCollector(String option) {
        return option.startsWith("-XX:+Use") && option.endsWith("GC");
    }

    private static boolean sizesYoungGeneration(String option) {
        return option.startsWith("-Xmn") || option.startsWith("-XX:NewSize") || option.startsWith("-XX:MaxNewSize")
                || option.startsWith("-XX:NewRatio");
    }

    /** The last -Xmx the user gave, in bytes; Long.MAX_VALUE when none (the JVM's default is a quarter of memory). */
    static long maxHeap(List<String> userOptions) {
        long max = Long.MAX_VALUE;
        for (String option : userOptions) {
            if (option.startsWith("-Xmx")) max = bytes(option.substring(4));
        }
        return max;
    }

    private static long bytes(String size) {
        if (size.isEmpty()) return Long.MAX_VALUE;
        char unit = Character.toLowerCase(size.charAt(size.length() - 1));
        int shift = switch (unit) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? size : size.substring(0, size.length() - 1);
        try {
            return Long.parseLong(digits) << shift;
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;                 // the JVM has already refused a malformed -Xmx before we run
        }
    }
}
