package dev.minitape.examples;

import dev.minitape.lm.train.ClassWeightSpec;
import dev.minitape.lm.train.ClassWeights;
import dev.minitape.lm.train.LossOptions;
import dev.minitape.lm.train.LossReduction;
import picocli.CommandLine.Option;

/** The training loss's options of {@code train} and {@code copy}; evaluation always uses the plain loss. */
final class LossFlags {
    @Option(names = "--label-smoothing", defaultValue = "0", paramLabel = "EPS",
            description = "Label smoothing ε in [0, 1): the target keeps 1 − ε and ε is spread evenly over all V tokens.")
    double labelSmoothing;
    @Option(names = "--z-loss", defaultValue = "0", paramLabel = "COEF",
            description = "Adds COEF·(log Σ e^logit)² per position, keeping the logits' scale near 0 (PaLM used 1e-4; 0: off).")
    double zLoss;
    @Option(names = "--reduction", defaultValue = "token", paramLabel = "token|sequence",
            description = "token: the mean over all target tokens; sequence: each sequence's mean, then the mean over sequences. "
                    + "copy's sequences differ in length (padding left out); train's rows all hold --block-size targets, "
                    + "so there the two are equal unless --class-weights is set (then each row's weights are normalized "
                    + "within it).")
    String reduction;
    @Option(names = "--class-weights", defaultValue = "none", paramLabel = "none|balanced|effective:BETA|FILE",
            description = "Per-token loss weights. balanced: n/(V·n_c), n_c being token c's count among the n training "
                    + "tokens; effective:BETA (0 ≤ BETA < 1): (1 − BETA)/(1 − BETA^n_c) scaled to sum to V; a token never "
                    + "seen in training gets the largest seen weight. FILE: one weight per token id per line, or a JSON object "
                    + "token → weight (tokens not listed: 1.0).")
    String classWeights;

    /** Checks every option (all but a weights file's content) before any data is read; returns how to make the weights. */
    ClassWeightSpec check() {
        options(null);
        return ClassWeightSpec.parse(classWeights);
    }

    /** The options, with these weights (null: none). */
    LossOptions options(ClassWeights weights) {
        return new LossOptions(labelSmoothing, zLoss, LossReduction.of(reduction), weights);
    }
}
