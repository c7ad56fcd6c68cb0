package dev.minitape.examples;

import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.lm.train.Checkpoint;
import dev.minitape.lm.train.ModelSpec;
import dev.minitape.lm.train.TrainConfig;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * What {@code train --resume DIR} does with the options typed beside it, so that none is silently ignored.
 * What makes the run the run (its model, tokenizer, data, seed, batch and loss) stays: another value is
 * refused naming the option. Its length, learning-rate schedule and intervals may change: they apply, the
 * schedule recomputed as if the run had been started with them, and the changes are said in one line.
 * Options that steer only this process (threads, kernels, the final sample) apply as in any run. Any other
 * option is refused. {@code --init-from DIR} checks the model-shape options against DIR's model the same way.
 */
final class ResumeOptions {
    private static final Set<String> THIS_PROCESS = Set.of("--resume", "--threads", "--kernels", "--sample-tokens", "--debug", "--eval-only", "--quiet");
    private static final List<String> CHANGEABLE = List.of("--steps", "--lr", "--min-lr", "--warmup", "--eval-every", "--checkpoint-every",
            "--patience");

    private final ParseResult typed;
    private final Checkpoint.Contents run;

    private ResumeOptions(ParseResult typed, Checkpoint.Contents run) {
        this.typed = typed;
        this.run = run;
    }

    /**
     * The typed options checked against the run in {@code runDir}: an IllegalArgumentException names the first
     * one that would change what the run keeps, or that has no meaning on --resume.
     */
    static ResumeOptions check(ParseResult typed, Checkpoint.Contents run, Path runDir) throws IOException {
        Map<String, Object> kept = kept(run, runDir);
        for (OptionSpec option : typed.matchedOptions()) {
            String flag = option.longestName();
            if (THIS_PROCESS.contains(flag) || CHANGEABLE.contains(flag)) continue;
            if (!kept.containsKey(flag)) {
                throw new IllegalArgumentException(flag + " cannot be given with --resume; leave it out or start a new run");
            }
            refuseAChange(option, kept.get(flag), "on --resume (the run has ");
        }
        ResumeOptions options = new ResumeOptions(typed, run);
        int done = run.state() == null ? 0 : run.state().step();
        if (typed.hasMatchedOption("--steps") && options.config().steps() <= done) {
            throw new IllegalArgumentException("--steps must be more than the " + done + " steps the run has done, got "
                    + options.config().steps() + " (--steps is the new total)");
        }
        return options;
    }

    /** With {@code --init-from}: each typed model-shape option must be what the model {@code from} has. */
    static void checkModelShape(ParseResult typed, Checkpoint.Contents from) {
        Map<String, Object> shape = shape(from);
        for (OptionSpec option : typed.matchedOptions()) {
            if (shape.containsKey(option.longestName())) refuseAChange(option, shape.get(option.longestName()), "with --init-from (the model has ");
        }
    }

    private static void refuseAChange(OptionSpec option, Object kept, String where) {
        String flag = option.longestName();
        if (!same(asRecorded(flag, option.getValue()), kept)) {
            throw new IllegalArgumentException(flag + " cannot change " + where + shown(kept) + "); leave it out or start a new run");
        }
    }

    /** The run's training config with the typed changes to its length, schedule and intervals. */
    TrainConfig config() {
        TrainConfig was = run.train();
        return was.continued(typed.matchedOptionValue("--steps", was.steps()), typed.matchedOptionValue("--lr", was.lr()),
                typed.matchedOptionValue("--min-lr", was.minLr()), typed.matchedOptionValue("--warmup", was.warmup()),
                typed.matchedOptionValue("--eval-every", was.evalEvery()),
                typed.matchedOptionValue("--checkpoint-every", was.checkpointEvery()),
                typed.matchedOptionValue("--patience", was.patience()));
    }

    /** "resume: --steps 20 → 80, --lr 0.003 → 0.0005", or null when no option changes the run. */
    String changes() {
        TrainConfig was = run.train(), now = config();
        Object[][] pairs = {{was.steps(), now.steps()}, {was.lr(), now.lr()}, {was.minLr(), now.minLr()},
            {was.warmup(), now.warmup()}, {was.evalEvery(), now.evalEvery()}, {was.checkpointEvery(), now.checkpointEvery()},
            {was.patience(), now.patience()}};
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < CHANGEABLE.size(); i++) {
            if (!pairs[i][0].equals(pairs[i][1])) changed.add(CHANGEABLE.get(i) + " " + shown(pairs[i][0]) + " → " + shown(pairs[i][1]));
        }
        return changed.isEmpty() ? null : "resume: " + String.join(", ", changed);
    }

    /** The value the run keeps for each option that cannot change, as the options' own types hold it. */
    private static Map<String, Object> kept(Checkpoint.Contents run, Path runDir) throws IOException {
        TrainConfig t = run.train();
        Map<String, Object> kept = shape(run);
        RunData text = RunData.of(runDir, run);
        kept.put("--data", text == null || text.data().isEmpty() ? "the built-in corpus" : text.data());
        kept.put("--val-data", text == null || text.valData() == null ? "the run's own split" : text.valData());
        kept.put("--seed", t.seed());
        kept.put("--batch-size", t.batchSize());
        kept.put("--grad-accum", t.gradAccum());
        kept.put("--weight-decay", t.weightDecay());
        kept.put("--label-smoothing", t.labelSmoothing());
        kept.put("--z-loss", t.zLoss());
        kept.put("--reduction", t.reduction().id());
        kept.put("--class-weights", t.classWeights() == null ? "none" : t.classWeights().method());
        kept.put("--out", runDir);
        return kept;
    }

    /** The model's kind and sizes, and its tokenizer's, as the options' own types hold them. */
    private static Map<String, Object> shape(Checkpoint.Contents run) {
        ModelSpec m = run.spec();
        Map<String, Object> kept = new LinkedHashMap<>();
        kept.put("--model", m.kind().id());
        kept.put("--n-layer", m.nLayer());
        kept.put("--n-head", m.nHead());
        kept.put("--n-embd", m.nEmbd());
        kept.put("--block-size", m.blockSize());
        kept.put("--dropout", m.dropout());
        kept.put("--vocab-size", m.vocabSize());
        kept.put("--tokenizer", run.tokenizer() instanceof CharTokenizer ? "char" : "bpe");
        return kept;
    }

    /** A typed --class-weights FILE as the run records it ("file:FILE"); any other value as typed. */
    private static Object asRecorded(String flag, Object value) {
        boolean file = flag.equals("--class-weights") && !Set.of("none", "balanced").contains(value)
                && !value.toString().startsWith("effective:");
        return file ? "file:" + value : value;
    }

    private static boolean same(Object typed, Object kept) {
        if (typed instanceof Path a && kept instanceof Path b) return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        if (typed instanceof List<?> a && kept instanceof List<?> b) {         // --data, repeated: the same paths in order
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!same(a.get(i), b.get(i))) return false;
            return true;
        }
        return Objects.equals(typed, kept);
    }

    /** A number as a person writes it (0.0005, not 5.0E-4); anything else as it prints. */
    private static String shown(Object value) {
        if (value instanceof Double || value instanceof Float) return new BigDecimal(value.toString()).stripTrailingZeros().toPlainString();
        if (value instanceof List<?> paths) return paths.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
        return String.valueOf(value);
    }
}
