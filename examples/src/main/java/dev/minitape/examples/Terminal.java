package dev.minitape.examples;

import java.io.IOException;

/**
 * Whether stderr is a terminal, which decides how training shows its progress (a live bar, or a plain line now and
 * then). JDK 17 has no isatty: {@code System.console()} asks about stdin and stdout only. So the process asks the
 * POSIX {@code test -t 2} with its own stderr handed to it. A child JVM's stderr is the launcher's pipe, so there
 * the launcher asks instead and passes the answer in {@link #STDERR_TTY}.
 */
final class Terminal {
    /** Set in a child JVM to true or false: whether the launcher's stderr, which the user sees, is a terminal. */
    static final String STDERR_TTY = "minitape.stderr.tty";

    private Terminal() {}

    /** This command's stderr as the user sees it: as the launcher said, else this process's own. */
    static boolean stderrIsTerminal() {
        String told = System.getProperty(STDERR_TTY);
        return told != null ? Boolean.parseBoolean(told) : ownStderrIsTerminal();
    }

    /** {@code sh -c 'test -t 2'} with this process's stderr: false where there is no sh (Windows). */
    static boolean ownStderrIsTerminal() {
        try {
            Process test = new ProcessBuilder("sh", "-c", "test -t 2").redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return test.waitFor() == 0;
        } catch (IOException noShell) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
