package dev.minitape.examples;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line's flag for each library field it sets. The library's errors name fields
 * ("TrainConfig.steps must be positive, got 0"); a CLI user set a flag, so the CLI reports
 * "--steps must be positive, got 0".
 */
final class FlagNames {
    private static final Map<String, String> FLAG_OF_FIELD = Map.ofEntries(
            Map.entry("TrainConfig.steps", "--steps"),
            Map.entry("TrainConfig.batchSize", "--batch-size"),
            Map.entry("TrainConfig.blockSize", "--block-size"),
            Map.entry("TrainConfig.lr", "--lr"),
            Map.entry("TrainConfig.minLr", "--min-lr"),
            Map.entry("TrainConfig.warmup", "--warmup"),
            Map.entry("TrainConfig.weightDecay", "--weight-decay"),
            Map.entry("LossOptions.labelSmoothing", "--label-smoothing"),
            Map.entry("LossOptions.zLoss", "--z-loss"),
            Map.entry("LossOptions.reduction", "--reduction"),
            Map.entry("ClassWeights.spec", "--class-weights"),
            Map.entry("TrainConfig.evalEvery", "--eval-every"),
            Map.entry("TrainConfig.checkpointEvery", "--checkpoint-every"),
            Map.entry("TrainConfig.gradAccum", "--grad-accum"),
            Map.entry("TrainConfig.patience", "--patience"),
            Map.entry("ModelSpec.kind", "--model"),
            Map.entry("ModelSpec.blockSize", "--block-size"),
            Map.entry("ModelSpec.nEmbd", "--n-embd"),
            Map.entry("Seq2SeqTransformer.Config.dim", "--d-model"),
            Map.entry("Seq2SeqTransformer.Config.heads", "--n-head"),
            Map.entry("Seq2SeqTransformer.Config.encoderLayers", "--n-layer"),
            Map.entry("Seq2SeqTransformer.Config.decoderLayers", "--n-layer"));
    /** A field name not followed by more of a name: "TrainConfig.lr" but not the start of "TrainConfig.lrScale". */
    private static final Pattern FIELD = Pattern.compile("\\b[A-Z][A-Za-z0-9]*(?:\\.[A-Za-z][A-Za-z0-9]*)+\\b");

    private FlagNames() {}

    /** {@code message} with every field the CLI has a flag for replaced by that flag. */
    static String inFlags(String message) {
        Matcher m = FIELD.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(FLAG_OF_FIELD.getOrDefault(m.group(), m.group())));
        return m.appendTail(sb).toString();
    }
}
