package dev.minitape.examples;

import dev.minitape.core.kernels.KernelTier;
import dev.minitape.core.kernels.Parallel;
import dev.minitape.core.kernels.VectorApi;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code minitape} command line. Bad input prints one line to stderr and exits non-zero (2 for
 * usage errors, 1 otherwise); {@code --debug} shows the stack trace as well.
 */
@Command(name = "minitape", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train tiny language models and see how backprop through softmax works.",
        footer = {"", "The jar restarts itself in a JVM with the Vector API kernels, the serial collector and a 64 MB "
                + "young generation, passing on your JVM options. Set MINITAPE_PLAIN_JVM=1 to run in the JVM you "
                + "started instead (plain-Java kernels). --version says which kernels run; --kernels reference (or "
                + "-Dminitape.kernels=reference) runs the textbook reference kernels instead."},
        subcommands = {TrainCommand.class, SampleCommand.class, EvalCommand.class, CopyCommand.class, ExplainCommand.class,
                SweepCommand.class, CompareCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Show stack traces of errors.")
    boolean debug;

    public static void main(String[] args) {
        Launcher.exitWithLauncher();
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code. */
    public static int run(String... args) {
        Main main = new Main();
        CommandLine cli = new CommandLine(main);
        try {
            KernelTier.current();                           // a bad -Dminitape.kernels is a usage error, said up front
        } catch (IllegalArgumentException e) {
            cli.getErr().println("minitape: " + e.getMessage());
            return 2;
        }
        // every option's default in --help, the same way for every command
        cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().usageMessage().showDefaultValues(true));
        cli.setParameterExceptionHandler((e, a) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("minitape: " + e.getMessage() + " (see: minitape " + commandPath(e.getCommandLine()) + "--help)");
            if (main.debug) e.printStackTrace(err);
            return 2;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            PrintWriter err = c.getErr();
            boolean badInput = e instanceof IllegalArgumentException;
            err.println("minitape: " + (badInput ? FlagNames.inFlags(oneLine(e)) : oneLine(e)));
            if (main.debug) e.printStackTrace(err);
            return badInput ? 2 : 1;
        });
        return cli.execute(args);
    }

    private static String commandPath(CommandLine c) {
        String path = "";
        for (CommandLine at = c; at.getParent() != null; at = at.getParent()) path = at.getCommandName() + " " + path;
        return path;
    }

    /** The error's message (its cause's when it only wraps one), on one line. */
    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) t = t.getCause();
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t instanceof java.nio.file.NoSuchFileException nsf) {
            m = nsf.getFile() + (nsf.getReason() == null ? " does not exist" : ": " + nsf.getReason());
        }
        if (t instanceof java.nio.file.FileAlreadyExistsException exists) {      // from creating a run folder
            m = exists.getFile() + " exists and is not a folder: give a folder for the run";
        }
        if (t instanceof OutOfMemoryError) m = "out of memory: use a smaller model or batch, or give Java more (-Xmx)";
        return m.replace('\n', ' ');
    }

    /** The version, and what this JVM runs: which kernels, how many threads, how much heap. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String kernels = KernelTier.reference() ? "reference tier: the textbook kernels"
                    : "fast tier: " + (VectorApi.enabled() ? "Vector API kernels" : "plain-Java kernels"
                    + (System.getenv(Launcher.PLAIN_JVM) != null ? " (" + Launcher.PLAIN_JVM + " is set)" : ""));
            return new String[] {"minitape 0.1.0",
                    String.format(Locale.ROOT, "Java %s (%s), %s, threads: %d, max heap: %,d MB",
                            Runtime.version(), System.getProperty("java.vm.name"), kernels, Parallel.threads(),
                            Runtime.getRuntime().maxMemory() >> 20)};
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
