package dev.minitape.lm.train;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.lm.data.CopyTask;
import dev.minitape.lm.model.Seq2SeqTransformer;
import dev.minitape.lm.sample.Seq2SeqDecoder;
import dev.minitape.nn.optim.AdamW;
import dev.minitape.nn.optim.Optimizer;
import dev.minitape.nn.optim.ParamGroup;
import java.nio.file.Path;
import java.util.List;

/**
 * Trains a {@link Seq2SeqTransformer} on a {@link CopyTask} with teacher forcing: cross-entropy with
 * ignoreIndex = PAD and the given {@link LossOptions} (the sequence mean averages each sequence over its own
 * length, padding left out), AdamW with PyTorch's defaults (betas 0.9, 0.999,
 * eps 1e-8, weight decay 0.01 on matrices and embeddings) at a constant learning rate, no gradient
 * clipping; every evalEvery steps it greedy-decodes the held-out set and records exact-match (the whole
 * output, EOS included, equals target + EOS) and token accuracy. Training and evaluation are timed apart
 * ({@link #trainSeconds()}, {@link #evalSeconds()}). No clipping, as in PyTorch's recipe: clipping at 1.0
 * slowed learning to reverse (bench/results/seq2seq-notes.md).
 */
public final class Seq2SeqTrainer {
    private final Seq2SeqTransformer model;
    private final CopyTask task;
    private final Optimizer optimizer;
    private final CrossEntropy loss;
    private final Rng rng;
    private final MetricsLog metrics;
    private final int batchSize;
    private long trainNanos, evalNanos;

    /** Held-out accuracy: exact sequences and tokens (position by position, over the target + EOS). */
    public record Accuracy(double exactMatch, double tokenAccuracy) {}

    /** Called after each step and each evaluation; either may be ignored. */
    public interface Listener {
        default void onStep(int step, double loss) {}

        default void onEval(int step, double loss, Accuracy accuracy) {}
    }

    public Seq2SeqTrainer(Seq2SeqTransformer model, CopyTask task, int batchSize, double lr, LossOptions lossOptions,
                          long seed, Path runDir) {
        this.model = model;
        this.task = task;
        this.batchSize = batchSize;
        this.optimizer = AdamW.builder().lr(lr).weightDecay(0.01).build(ParamGroup.decayAndNoDecay(model.namedParameters(), 0.01));
        this.loss = lossOptions.crossEntropy().ignoreIndex(Seq2SeqTransformer.PAD).build();
        this.rng = new Rng(seed);
        this.metrics = runDir == null ? null : new MetricsLog(runDir.resolve("metrics.csv"), List.of("exact_match"));
    }

    /** Runs {@code steps} steps; stops early once held-out exact-match reaches {@code stopAt} (> 1: never). */
    public Accuracy train(int steps, int evalEvery, double stopAt, Listener listener) {
        if (metrics != null) metrics.rewrite();
        model.train();
        Accuracy acc = new Accuracy(0, 0);
        for (int step = 1; step <= steps; step++) {
            long started = System.nanoTime();
            // batch, forward and backward
            CopyTask.Batch b = task.trainBatch(batchSize, rng);
            optimizer.zeroGrad();
            float l;
            try (Tape tape = Tape.startReusingBuffers()) {
                Tensor logits = model.forward(b.src(), b.srcLen(), b.tgtIn(), b.tgtLen(), b.size());
                Tensor value = loss.apply(logits, b.tgtOut());
                l = value.item();
                value.backward();
            }
            // step (no clipping: see the class comment)
            optimizer.step();
            long stepNanos = System.nanoTime() - started;
            trainNanos += stepNanos;
            listener.onStep(step, l);
            // evaluate
            boolean evaluate = step % evalEvery == 0 || step == steps;
            if (evaluate) {
                long evalStarted = System.nanoTime();
                acc = evaluate();
                evalNanos += System.nanoTime() - evalStarted;
                listener.onEval(step, l, acc);
            }
            if (metrics != null) {
                double tokensPerSec = (double) b.size() * b.tgtLen() / (stepNanos / 1e9);
                metrics.add(new MetricsLog.Row(step, l, Double.NaN, optimizer.lr(), tokensPerSec,
                        new double[] {evaluate ? acc.exactMatch() : Double.NaN}));
            }
            if (evaluate && acc.exactMatch() >= stopAt) break;
        }
        return acc;
    }

    /** Seconds spent training so far (batches, forward, backward, optimizer step), evaluation excluded. */
    public double trainSeconds() {
        return trainNanos / 1e9;
    }

    /** Seconds spent evaluating (greedy decoding of the held-out set) so far. */
    public double evalSeconds() {
        return evalNanos / 1e9;
    }

    /** Greedy decoding of the whole held-out set. */
    public Accuracy evaluate() {
        List<int[]> sources = task.heldOut();
        return score(sources, Seq2SeqDecoder.greedy(model, sources, task.maxLen() + 2));
    }

    /** How well outputs.get(i) (however decoded) matches {@link #expected}(sources.get(i)), over all i. */
    public Accuracy score(List<int[]> sources, List<int[]> outputs) {
        int exact = 0;
        long right = 0, total = 0;
        for (int i = 0; i < sources.size(); i++) {
            int[] want = expected(sources.get(i)), got = outputs.get(i);
            if (java.util.Arrays.equals(want, got)) exact++;
            for (int j = 0; j < want.length; j++) if (j < got.length && got[j] == want[j]) right++;
            total += want.length;
        }
        return new Accuracy((double) exact / sources.size(), (double) right / total);
    }

    /** target + EOS */
    public int[] expected(int[] source) {
        int[] t = task.target(source);
        int[] e = java.util.Arrays.copyOf(t, t.length + 1);
        e[t.length] = Seq2SeqTransformer.EOS;
        return e;
    }
}
