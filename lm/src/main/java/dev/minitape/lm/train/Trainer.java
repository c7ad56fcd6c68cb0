package dev.minitape.lm.train;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.lm.data.Batch;
import dev.minitape.lm.data.TextDataset;
import dev.minitape.lm.eval.CalibrationPlot;
import dev.minitape.lm.eval.Evaluation;
import dev.minitape.lm.eval.SmoothingFloor;
import dev.minitape.lm.model.LanguageModel;
import dev.minitape.lm.tokenizer.Tokenizer;
import dev.minitape.nn.optim.AdamW;
import dev.minitape.nn.optim.GradClip;
import dev.minitape.nn.optim.LrSchedule;
import dev.minitape.nn.optim.Optimizer;
import dev.minitape.nn.optim.ParamGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a language model on a text dataset with cross-entropy and AdamW, evaluates on fixed
 * validation batches, writes metrics.csv and loss.png, and checkpoints into the run folder. The loop
 * is one block per concern: schedule, batch, forward and backward, clip, step, log, evaluate,
 * checkpoint. A step may add up the gradients of several micro-batches ({@link TrainConfig#gradAccum()})
 * and the loop may end early when the validation loss stops improving ({@link TrainConfig#patience()}).
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /**
     * The figures each evaluation adds to metrics.csv after val_loss, in this order: the unsmoothed NLL
     * (val_loss up to rounding: the same positions and loss, computed in double from the logits), top-1
     * and top-5 accuracy, ECE, Brier score and the mean entropy of the predictions (see {@link Evaluation}).
     */
    public static final List<String> VALIDATION_COLUMNS =
            List.of("val_nll", "val_accuracy", "val_top5_accuracy", "val_ece", "val_brier", "val_entropy");

    private final LanguageModel model;
    private final ModelSpec spec;
    private final Tokenizer tokenizer;
    private final TextDataset data;
    private final String dataSource;              // recorded in checkpoints: a path, or null for the built-in corpus
    private final TrainConfig config;
    private final Path runDir;                    // null: nothing is written
    private final double floor;                   // the source's entropy per token, NaN if unknown
    private final TrainingListener listener;

    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final CrossEntropy trainLoss;
    private final CrossEntropy plainLoss = CrossEntropy.builder().build();
    private final Rng batchRng;
    private final List<Batch> validation;
    private final MetricsLog metrics;
    private Evaluation lastFigures;               // the last evaluation's, for metrics.csv and calibration.png
    private int step;
    private double bestValLoss = Double.POSITIVE_INFINITY;
    private int bestStep;                         // the step bestValLoss was measured at
    private int evalsSinceBest;                   // evaluations in a row that did not lower bestValLoss
    private volatile boolean stopRequested;

    /**
     * The outcome: the last training loss, the last and best validation losses, and whether {@link #stop()}
     * ended the run (a run that ran out of patience ends before its last step but is not interrupted).
     */
    public record Result(int steps, double trainLoss, double valLoss, double bestValLoss, boolean interrupted) {}

    public Trainer(LanguageModel model, ModelSpec spec, Tokenizer tokenizer, TextDataset data, TrainConfig config,
                   Path runDir, double floor, TrainingListener listener) {
        this(model, spec, tokenizer, data, null, config, runDir, floor, listener);
    }

    /** @param dataSource the training text's path, recorded in checkpoints (null: the built-in corpus) */
    public Trainer(LanguageModel model, ModelSpec spec, Tokenizer tokenizer, TextDataset data, String dataSource,
                   TrainConfig config, Path runDir, double floor, TrainingListener listener) {
        this.dataSource = dataSource;
        this.model = model;
        this.spec = spec;
        this.tokenizer = tokenizer;
        this.data = data;
        this.config = config;
        this.runDir = runDir;
        this.floor = floor;
        this.listener = listener == null ? new TrainingListener() {} : listener;
        this.optimizer = AdamW.builder().lr(config.lr()).betas(config.beta1(), config.beta2()).weightDecay(config.weightDecay())
                .build(ParamGroup.decayAndNoDecay(model.module().namedParameters(), config.weightDecay()));
        this.schedule = LrSchedule.warmupCosine(config.lr(), config.minLr(), config.warmup(), config.steps());
        this.trainLoss = config.loss().crossEntropy().build();
        this.batchRng = new Rng(config.seed());
        this.validation = validationBatches(data, config);
        this.metrics = runDir == null ? null : new MetricsLog(runDir.resolve("metrics.csv"), VALIDATION_COLUMNS);
    }

    /** Continues from a checkpoint's optimizer and trainer state (the model's weights are already loaded). */
    public void restore(Checkpoint.Contents c) {
        if (c.optimizer() == null || c.state() == null) {
            throw new IllegalArgumentException("the checkpoint holds no optimizer or trainer state to resume from");
        }
        optimizer.loadState(c.optimizer());
        TrainerState s = c.state();
        step = s.step();
        batchRng.setState(s.batchRngState());
        if (model.dropoutRng() != null) model.dropoutRng().setState(s.dropoutRngState());
        bestValLoss = s.bestValLoss();
        bestStep = s.bestStep();
        evalsSinceBest = s.evalsSinceBest();
        if (metrics != null && Files.exists(runDir.resolve("metrics.csv"))) {
            metrics.restore(MetricsLog.read(runDir.resolve("metrics.csv"), VALIDATION_COLUMNS.size()), step);
        }
    }

    public Result train() {
        if (outOfPatience()) {
            // resumed after --patience ended the run: the run is finished, its last figures are the model's as saved
            LOG.info("nothing to train: the run stopped at step {}, its val loss not improved for {} evaluations", step, evalsSinceBest);
            return new Result(step, Double.NaN, evaluate(), bestValLoss, false);
        }
        int b = config.batchSize(), t = config.blockSize();
        if (metrics != null) metrics.rewrite();
        if (config.labelSmoothing() > 0) {
            LOG.info("label smoothing {}: the smoothed training loss cannot go below {} nats/token, its target's entropy",
                    config.labelSmoothing(), String.format(Locale.ROOT, "%.4f", SmoothingFloor.nats(config.labelSmoothing(), model.vocabSize())));
        }
        model.module().train();
        double loss = Double.NaN, valLoss = Double.NaN;
        while (step < config.steps()) {
            if (stopRequested) {
                if (runDir != null) save(Checkpoint.LATEST);
                return new Result(step, loss, valLoss, bestValLoss, true);
            }
            long started = System.nanoTime();
            // schedule
            double lr = schedule.lr(step);
            optimizer.setLr(lr);
            // batch: the micro-batches, drawn one after another (so K of B sequences are the rows of one K·B draw)
            List<Batch> batches = new ArrayList<>(config.gradAccum());
            for (int k = 0; k < config.gradAccum(); k++) batches.add(data.trainBatch(b, t, batchRng));
            // forward and backward
            loss = accumulateGradients(batches);
            // clip
            double norm = GradClip.clipGlobalNorm(model.module().parameters(), config.gradClip());
            if (!Double.isFinite(norm)) {
                throw new TrainingDivergedException("the gradient norm became " + norm + " at step " + (step + 1)
                        + "; lower --lr. The last good checkpoint is kept.");
            }
            // step
            optimizer.step();
            step++;
            // log
            double tokensPerSec = (double) config.gradAccum() * b * t / ((System.nanoTime() - started) / 1e9);
            listener.onStep(step, config.steps(), loss, lr, tokensPerSec);
            // evaluate
            boolean evaluate = step % config.evalEvery() == 0 || step == config.steps();
            valLoss = evaluate ? evaluate() : Double.NaN;
            if (metrics != null) metrics.add(new MetricsLog.Row(step, loss, valLoss, lr, tokensPerSec, validationFigures(evaluate)));
            if (evaluate) {
                listener.onEval(step, loss, valLoss);
                LOG.debug("step {}: train {} val {}", step, loss, valLoss);
            }
            boolean improved = evaluate && valLoss < bestValLoss;
            if (improved) {
                bestValLoss = valLoss;
                bestStep = step;
                evalsSinceBest = 0;
            } else if (evaluate) {
                evalsSinceBest++;
            }
            boolean outOfPatience = outOfPatience();
            // checkpoint
            if (runDir != null) {
                if (improved) save(Checkpoint.BEST);
                boolean periodic = config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0;
                if (periodic || step == config.steps() || outOfPatience) save(Checkpoint.LATEST);
            }
            if (outOfPatience) {
                LOG.info("stopping at step {}: val loss has not improved for {} evaluations (best {} at step {})", step,
                        evalsSinceBest, String.format(Locale.ROOT, "%.4f", bestValLoss), bestStep);
                break;
            }
        }
        if (runDir != null) plot();
        return new Result(step, loss, valLoss, bestValLoss, false);
    }

    /**
     * Zeroes the gradients, then adds up the gradients of the micro-batches' losses weighted so that they
     * are the gradients of the loss of all their rows at once; returns that loss. Both reductions are a
     * sum over the rows divided by a denominator D (the rows' total class weight, or the sequences kept),
     * so with D_k the k-th micro-batch's denominator and L_k its loss,
     * <pre>  L = Σ_k (D_k / Σ_j D_j) · L_k.</pre>
     * One micro-batch is used as it is (its share is 1).
     */
    double accumulateGradients(List<Batch> batches) {
        double[] shares = batches.size() == 1 ? new double[] {1} : shares(batches);
        optimizer.zeroGrad();
        double loss = 0;
        for (int k = 0; k < batches.size(); k++) {
            Batch batch = batches.get(k);
            try (Tape tape = Tape.startReusingBuffers()) {
                Tensor l = trainLoss.apply(model.forward(batch.x(), batch.batchSize(), batch.blockSize()), batch.y());
                if (batches.size() > 1) l = l.mul((float) shares[k]);
                double part = l.item();
                if (!Double.isFinite(part)) {
                    throw new TrainingDivergedException("the loss became " + part + " at step " + (step + 1)
                            + "; lower --lr or check the data. The last good checkpoint is kept.");
                }
                loss += part;
                l.backward();
            }
        }
        return loss;
    }

    /** D_k / Σ_j D_j for each micro-batch (all 0 when no micro-batch keeps a position: the loss is then 0). */
    private double[] shares(List<Batch> batches) {
        double[] d = new double[batches.size()];
        double total = 0;
        for (int k = 0; k < d.length; k++) {
            Batch batch = batches.get(k);
            d[k] = trainLoss.denominator(batch.y(), new int[] {batch.batchSize(), batch.blockSize(), model.vocabSize()});
            total += d[k];
        }
        for (int k = 0; k < d.length; k++) d[k] = total > 0 ? d[k] / total : 0;
        return d;
    }

    /**
     * The fixed validation batches: config.evalBatches() windows of B × T from the last 10% of the tokens,
     * drawn by a generator seeded from the run's seed, so every evaluation (and {@code eval --temperature})
     * scores the same positions.
     */
    public static List<Batch> validationBatches(TextDataset data, TrainConfig config) {
        Rng valRng = new Rng(config.seed() ^ 0x7A11DA7AL);
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < config.evalBatches(); i++) batches.add(data.validationBatch(config.batchSize(), config.blockSize(), valRng));
        return batches;
    }

    /**
     * Mean plain cross-entropy (no smoothing or weights) over the fixed validation batches, in eval mode;
     * the figures of the same positions are kept for metrics.csv and calibration.png.
     */
    public double evaluate() {
        model.module().eval();
        double sum = 0;
        Evaluation figures = new Evaluation();
        try (var off = Tape.noGrad()) {
            for (Batch v : validation) {
                Tensor logits = model.forward(v.x(), v.batchSize(), v.blockSize());
                sum += plainLoss.apply(logits, v.y()).item();
                figures.addRows(logits.data(), v.y(), model.vocabSize());
            }
        } finally {
            model.module().train();
        }
        lastFigures = figures;
        return sum / validation.size();
    }

    /** True when --patience is set and that many evaluations in a row have not lowered the best validation loss. */
    private boolean outOfPatience() {
        return config.patience() > 0 && evalsSinceBest >= config.patience();
    }

    /** The figures of the last {@link #evaluate()}, or null before the first. */
    public Evaluation lastEvaluation() {
        return lastFigures;
    }

    /** The last evaluation's figures in {@link #VALIDATION_COLUMNS}' order, or NaNs at a step not evaluated. */
    private double[] validationFigures(boolean evaluated) {
        if (!evaluated) {
            double[] none = new double[VALIDATION_COLUMNS.size()];
            Arrays.fill(none, Double.NaN);
            return none;
        }
        Evaluation e = lastFigures;
        return new double[] {e.nll(), e.accuracy(), e.top5Accuracy(), e.ece(), e.brier(), e.entropy()};
    }

    /** Writes the current state into a checkpoint slot (also used on Ctrl-C). */
    public void save(String slot) {
        long dropout = model.dropoutRng() == null ? 0 : model.dropoutRng().state();
        try {
            Checkpoint.save(runDir, slot, new Checkpoint.Contents(spec, config, dataSource, tokenizer, model, optimizer.state(),
                    new TrainerState(step, batchRng.state(), dropout, bestValLoss, bestStep, evalsSinceBest)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint into " + runDir.resolve(slot) + ": " + e.getMessage(), e);
        }
        listener.onCheckpoint(step, slot);
    }

    private void plot() {
        try {
            String title = Double.isNaN(floor) ? "minitape: loss" : "minitape: loss against the source's entropy";
            LossPlot.write(runDir.resolve("loss.png"), metrics.rows(), floor, model.vocabSize(), title);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not draw loss.png: {}", e.toString());
        }
        if (lastFigures == null) return;
        try {
            CalibrationPlot.write(runDir.resolve("calibration.png"), lastFigures, "validation at step " + step);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not draw calibration.png: {}", e.toString());
        }
    }

    public int step() {
        return step;
    }

    /** Asks the loop to save the latest checkpoint and return before its next step; does not wait. */
    public void stop() {
        stopRequested = true;
    }
}
