package dev.minitape.examples;

import dev.minitape.core.Rng;
import dev.minitape.core.kernels.Parallel;
import dev.minitape.lm.data.CopyTask;
import dev.minitape.lm.model.Seq2SeqTransformer;
import dev.minitape.lm.sample.Seq2SeqDecoder;
import dev.minitape.lm.train.ClassWeightSpec;
import dev.minitape.lm.train.LossOptions;
import dev.minitape.lm.train.Seq2SeqTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code minitape copy}: a seq2seq Transformer learns to copy, reverse or sort symbol sequences. */
@Command(name = "copy", mixinStandardHelpOptions = true,
        description = "Train an encoder-decoder Transformer to copy (or reverse, or sort) random sequences, "
                + "then decode held-out sequences it never saw.")
final class CopyCommand implements Callable<Integer> {
    /** Training sequences whose targets are counted for --class-weights balanced or effective. */
    private static final int WEIGHT_SAMPLE = 10_000;

    @picocli.CommandLine.Mixin KernelOption kernels;
    @picocli.CommandLine.Mixin LossFlags loss;

    @Option(names = "--task", defaultValue = "copy", description = "copy, reverse or sort.")
    String task;
    @Option(names = "--vocab", defaultValue = "10", description = "Number of symbols (shown as 0-9, a-z up to 36).")
    int vocab;
    @Option(names = "--min-len", defaultValue = "1", description = "Shortest sequence, in symbols.") int minLen;
    @Option(names = "--max-len", defaultValue = "10", description = "Longest sequence, in symbols.") int maxLen;
    @Option(names = "--steps", defaultValue = "400", description = "Training steps at most.") int steps;
    @Option(names = "--stop-at", defaultValue = "1.0", description = "Stop once held-out exact match (a fraction, 0 to 1) reaches this.")
    double stopAt;
    @Option(names = "--eval-every", defaultValue = "20", description = "Steps between greedy decodings of the held-out set.")
    int evalEvery;
    @Option(names = "--batch-size", defaultValue = "64", description = "Sequences per step.") int batchSize;
    @Option(names = "--d-model", defaultValue = "64", description = "Width of the model: values per symbol.") int dModel;
    @Option(names = "--n-layer", defaultValue = "2", description = "Encoder and decoder layers each.") int nLayer;
    @Option(names = "--n-head", defaultValue = "4", description = "Attention heads (must divide --d-model).") int nHead;
    @Option(names = "--positions", defaultValue = "learned", description = "learned, or sinusoidal (fixed, defined at every length).")
    String positions;
    @Option(names = "--lr", defaultValue = "1e-3", description = "AdamW learning rate (constant).") double lr;
    @Option(names = "--beam", defaultValue = "1", description = "Beam width for the final decoding; 1 = greedy.")
    int beam;
    @Option(names = "--held-out", defaultValue = "500", description = "Held-out sequences, never trained on (at most a tenth of each length).")
    int heldOut;
    @Option(names = "--generalize-to", defaultValue = "0", description = "Also test lengths max-len+1 .. N symbols after training.")
    int generalizeTo;
    @Option(names = "--seed", defaultValue = "1", description = "Seeds the data, the held-out set and the weights.")
    long seed;
    @Option(names = "--threads", description = "Kernel threads (default: all cores).") Integer threads;
    @Option(names = "--out", defaultValue = "runs/copy", paramLabel = "DIR", description = "Run folder (metrics.csv).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (threads != null) Parallel.setThreads(threads);
        ClassWeightSpec weightSpec = loss.check();
        CopyTask.Kind kind = switch (task) {
            case "copy" -> CopyTask.Kind.COPY;
            case "reverse" -> CopyTask.Kind.REVERSE;
            case "sort" -> CopyTask.Kind.SORT;
            default -> throw new IllegalArgumentException("--task must be copy, reverse or sort, got '" + task + "'");
        };
        if (!positions.equals("learned") && !positions.equals("sinusoidal")) {
            throw new IllegalArgumentException("--positions must be learned or sinusoidal, got '" + positions + "'");
        }
        atLeastOne("--steps", steps);
        atLeastOne("--batch-size", batchSize);
        atLeastOne("--eval-every", evalEvery);
        atLeastOne("--held-out", heldOut);
        atLeastOne("--beam", beam);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be a positive finite number, got " + lr);
        if (generalizeTo != 0 && generalizeTo <= maxLen) {
            throw new IllegalArgumentException("--generalize-to must be more than --max-len " + maxLen + " (or 0: off), got " + generalizeTo);
        }
        CopyTask data = new CopyTask(kind, vocab, minLen, maxLen, heldOut, seed);
        // longer sequences than any trained on, for the length-generalization figure
        CopyTask longer = generalizeTo == 0 ? null : new CopyTask(kind, vocab, maxLen + 1, generalizeTo, heldOut, seed + 1);
        int longest = Math.max(maxLen, generalizeTo);
        Seq2SeqTransformer model = new Seq2SeqTransformer(new Seq2SeqTransformer.Config(data.vocabSize(), dModel, nHead,
                nLayer, nLayer, longest + 2, 0f, positions.equals("sinusoidal")), new Rng(seed));
        Files.createDirectories(out);
        // class weights are counted on a sample of the training stream, drawn apart from the batches' own
        IntFunction<String> tokenText = id -> symbols(new int[] {id}, vocab);
        LossOptions lossOptions = loss.options(weightSpec.make(data.targetCounts(WEIGHT_SAMPLE, new Rng(seed ^ 0xC1A55L)), tokenText));
        Seq2SeqTrainer trainer = new Seq2SeqTrainer(model, data, batchSize, lr, lossOptions, seed, out);
        System.out.printf(Locale.ROOT, "task: %s, %d symbols, lengths %d..%d, %d held out; model: %,d parameters%n", task,
                vocab, minLen, maxLen, data.heldOut().size(), model.parameterCount());
        LossReport.print(System.out, System.err, lossOptions,
                String.format(Locale.ROOT, "from the targets of %,d sampled training sequences", WEIGHT_SAMPLE), tokenText);

        Launcher.launchedAt().ifPresent(launched -> System.out.printf(Locale.ROOT,
                "training starts %.2f s after launch%n", java.time.Duration.between(launched, java.time.Instant.now()).toMillis() / 1e3));
        long started = System.nanoTime();
        int[] reached = {-1};
        double[] reachedSeconds = {Double.NaN};
        Seq2SeqTrainer.Accuracy acc = trainer.train(steps, evalEvery, stopAt, new Seq2SeqTrainer.Listener() {
            @Override
            public void onEval(int step, double loss, Seq2SeqTrainer.Accuracy a) {
                if (reached[0] < 0 && a.exactMatch() >= 0.99) {
                    reached[0] = step;
                    reachedSeconds[0] = trainer.trainSeconds();
                }
                System.out.printf(Locale.ROOT, "step %4d  loss %.4f  held-out exact match %.3f  token accuracy %.3f  (train %.2f s, eval %.2f s)%n",
                        step, loss, a.exactMatch(), a.tokenAccuracy(), trainer.trainSeconds(), trainer.evalSeconds());
            }
        });
        double seconds = (System.nanoTime() - started) / 1e9;

        List<int[]> sources = data.heldOut();
        System.out.println("held-out examples (source → decoded | target):");
        List<int[]> decoded = decode(model, sources.subList(0, Math.min(5, sources.size())), data.maxLen() + 2);
        for (int i = 0; i < decoded.size(); i++) {
            System.out.println("  " + symbols(sources.get(i), vocab) + " → " + symbols(decoded.get(i), vocab) + " | "
                    + symbols(trainer.expected(sources.get(i)), vocab));
        }
        if (beam > 1) acc = accuracy(trainer, model, sources, data.maxLen() + 2);
        System.out.printf(Locale.ROOT, "final (%s): held-out exact match %.4f, token accuracy %.4f; 99%% reached at step %s%s;"
                        + " %.1f s in all (training %.2f s, evaluation %.2f s)%n",
                beam > 1 ? "beam " + beam : "greedy", acc.exactMatch(), acc.tokenAccuracy(),
                reached[0] < 0 ? "never" : Integer.toString(reached[0]),
                reached[0] < 0 ? "" : String.format(Locale.ROOT, " after %.2f s of training", reachedSeconds[0]),
                seconds, trainer.trainSeconds(), trainer.evalSeconds());
        if (longer != null) {
            Seq2SeqTrainer.Accuracy g = accuracy(trainer, model, longer.heldOut(), generalizeTo + 2);
            System.out.printf(Locale.ROOT, "length generalization (%d..%d, never trained on): exact match %.4f, token accuracy %.4f%n",
                    maxLen + 1, generalizeTo, g.exactMatch(), g.tokenAccuracy());
        }
        System.out.println("run folder: " + out.toAbsolutePath());
        return 0;
    }

    private static void atLeastOne(String option, int value) {
        if (value < 1) throw new IllegalArgumentException(option + " must be at least 1, got " + value);
    }

    private List<int[]> decode(Seq2SeqTransformer model, List<int[]> sources, int maxSteps) {
        if (beam <= 1) return Seq2SeqDecoder.greedy(model, sources, maxSteps);
        List<int[]> out = new ArrayList<>();
        for (int[] s : sources) out.add(Seq2SeqDecoder.beam(model, s, beam, maxSteps));
        return out;
    }

    private Seq2SeqTrainer.Accuracy accuracy(Seq2SeqTrainer trainer, Seq2SeqTransformer model, List<int[]> sources, int maxSteps) {
        return trainer.score(sources, decode(model, sources, maxSteps));
    }

    /**
     * Symbols as one digit or letter each when there are at most 36 of them, else as numbers separated by
     * spaces; PAD, BOS and EOS are shown as _, ^ and $.
     */
    static String symbols(int[] ids, int vocab) {
        boolean oneChar = vocab <= 36;
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (!oneChar && sb.length() > 0) sb.append(' ');
            int symbol = id - Seq2SeqTransformer.SPECIALS;
            switch (id) {
                case Seq2SeqTransformer.PAD -> sb.append('_');
                case Seq2SeqTransformer.BOS -> sb.append('^');
                case Seq2SeqTransformer.EOS -> sb.append('$');
                default -> sb.append(oneChar ? String.valueOf(Character.forDigit(symbol, 36)) : Integer.toString(symbol));
            }
        }
        return sb.toString();
    }
}
