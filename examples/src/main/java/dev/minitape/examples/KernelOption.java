package dev.minitape.examples;

import dev.minitape.core.kernels.KernelTier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --kernels fast|reference} option of every command that computes: selects the kernel tier for
 * the whole run ({@link KernelTier}) while the command line is parsed, before anything computes. Without
 * it, the system property {@code minitape.kernels} decides (fast when unset).
 */
final class KernelOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--kernels", paramLabel = "fast|reference",
            description = "Kernel tier: fast (default) or reference (the textbook loops: slower, to check or read).")
    void select(String tier) {
        try {
            KernelTier.select(tier);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(),
                    "Invalid value for option '--kernels': '" + tier + "' (expected fast or reference)");
        }
    }
}
