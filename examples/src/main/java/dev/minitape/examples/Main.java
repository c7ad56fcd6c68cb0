package dev.minitape.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code minitape} command line. */
@Command(name = "minitape", mixinStandardHelpOptions = true, version = "minitape 0.1.0",
        description = "Train tiny language models and see how backprop through softmax works.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code: 0 on success, 2 for usage errors. */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
