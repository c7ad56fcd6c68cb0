package dev.minitape.examples;

import dev.minitape.core.Rng;
import dev.minitape.core.kernels.Parallel;
import dev.minitape.lm.data.CorpusCache;
import dev.minitape.lm.data.SyntheticCorpus;
import dev.minitape.lm.data.TextDataset;
import dev.minitape.lm.data.TextSources;
import dev.minitape.lm.data.TokenArray;
import dev.minitape.lm.eval.Evaluation;
import dev.minitape.lm.eval.SmoothingFloor;
import dev.minitape.lm.model.LanguageModel;
import dev.minitape.lm.sample.Sampler;
import dev.minitape.lm.sample.SamplingOptions;
import dev.minitape.lm.tokenizer.ByteBpeTokenizer;
import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.lm.tokenizer.Tokenizer;
import dev.minitape.lm.train.Checkpoint;
import dev.minitape.lm.train.ClassWeightSpec;
import dev.minitape.lm.train.LossOptions;
import dev.minitape.lm.train.ModelKind;
import dev.minitape.lm.train.ModelSpec;
import dev.minitape.lm.train.TrainConfig;
import dev.minitape.lm.train.Trainer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code minitape train}: a language model on a text file, or on the built-in synthetic corpus. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a language model on text files (default: the built-in synthetic corpus, whose "
                + "exact entropy is the floor the loss is shown against).",
        footer = {"", "--resume DIR continues the run in DIR from the step it stopped at. --steps (the new total, to extend "
                + "a finished run), --lr, --min-lr, --warmup, --eval-every, --checkpoint-every and --patience may change, and a line "
                + "says what changed: the learning rate then follows the warmup and cosine decay recomputed as if the run "
                + "had been started with the new values (so an extended run's rate rises from --min-lr back to that curve "
                + "and decays to --min-lr at the new last step). --threads, --kernels and --sample-tokens apply as in any "
                + "run. Every other option keeps the run's value: giving another value is an error."})
final class TrainCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin KernelOption kernels;
    @picocli.CommandLine.Mixin LossFlags loss;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec command;

    /** The exit code of a run stopped by Ctrl-C, as a shell reports a process ended by SIGINT (128 + 2). */
    static final int INTERRUPTED = 130;

    @Option(names = "--data", paramLabel = "PATH", showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
            description = {"Text to train on (default: the built-in corpus): a file, or a folder whose files (and its "
                    + "subfolders' files, hidden ones left out) are read in sorted order. Repeat it for several; the files "
                    + "are joined in the order given with an empty line (\\n\\n) between two files.",
                    "The text is tokenized once, a MiB at a time, into a token file in the cache (see --cache-dir) from "
                    + "which training reads its windows, so a text larger than memory trains; a later run on the same files "
                    + "(same paths, sizes and modification times) and tokenizer reads it from there."})
    List<Path> data = new ArrayList<>();
    @Option(names = "--val-data", paramLabel = "FILE",
            description = "Text to validate on, tokenized like --data (default: the last 10%% of the --data tokens).")
    Path valData;
    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Where tokenizers and token files are cached "
            + "(default: $MINITAPE_CACHE, else $XDG_CACHE_HOME/minitape, else ~/.cache/minitape).")
    Path cacheDir;
    @Option(names = "--tokenizer", defaultValue = "char", description = "char (one token per character) or bpe (byte pairs; any bytes).")
    String tokenizer;
    @Option(names = "--vocab-size", defaultValue = "512",
            description = "BPE vocabulary, at least 256; BPE learns its merges from the first 8 MiB of the text.")
    int vocabSize;
    @Option(names = "--model", defaultValue = "gpt", description = "Model kind: bigram, mlp or gpt.")
    String model;
    @Option(names = "--n-layer", defaultValue = "2", description = "Transformer blocks (layers).") int nLayer;
    @Option(names = "--n-head", defaultValue = "4", description = "Attention heads per block (must divide --n-embd).") int nHead;
    @Option(names = "--n-embd", defaultValue = "64", description = "Width: values per token embedding.") int nEmbd;
    @Option(names = "--block-size", defaultValue = "64", description = "Context length in tokens.") int blockSize;
    @Option(names = "--batch-size", defaultValue = "32", description = "Sequences (of --block-size tokens) per step.") int batchSize;
    @Option(names = "--steps", defaultValue = "800", description = "Optimizer steps to train for (with --resume: the new total).")
    int steps;
    @Option(names = "--lr", defaultValue = "3e-3", description = "Peak learning rate, reached after the warmup.") double lr;
    @Option(names = "--min-lr", defaultValue = "3e-4", description = "Learning rate at the last step, after the cosine decay.") double minLr;
    @Option(names = "--warmup", description = "Steps of linear learning-rate warmup (default: min(100, steps/8): 100 for the default 800 steps, and a valid schedule for any --steps).")
    Integer warmup;
    @Option(names = "--weight-decay", defaultValue = "0.1", description = "AdamW's decoupled weight decay, scaled by the lr (matrices only).")
    double weightDecay;
    @Option(names = "--dropout", defaultValue = "0", description = "Probability of zeroing an activation in training, in [0, 1).")
    float dropout;
    @Option(names = "--eval-every", defaultValue = "200", description = "Steps between validation losses (and at the last step).")
    int evalEvery;
    @Option(names = "--checkpoint-every", defaultValue = "0",
            description = "Also checkpoint every N steps; 0: only at the end and at each best validation loss.")
    int checkpointEvery;
    @Option(names = "--grad-accum", defaultValue = "1", paramLabel = "K",
            description = "Micro-batches of --batch-size sequences per optimizer step: the update of one batch K times "
                    + "larger (the loss averaged over all their tokens) in the memory of one micro-batch.")
    int gradAccum;
    @Option(names = "--patience", defaultValue = "0", paramLabel = "N",
            description = "Stop when N evaluations in a row have not lowered the best validation loss (best/ keeps the "
                    + "best model); 0: train all --steps.")
    int patience;
    @Option(names = "--seed", defaultValue = "1337", description = "Seeds the weights, the batch order and the built-in corpus.")
    long seed;
    @Option(names = "--threads", description = "Kernel threads (default: all cores).") Integer threads;
    @Option(names = "--out", defaultValue = "runs/latest", paramLabel = "DIR",
            description = "Run folder: checkpoints, metrics.csv, loss.png.")
    Path out;
    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last checkpoint; "
            + "see below for the options that may change.")
    Path resume;
    @Option(names = "--init-from", paramLabel = "DIR", description = "Start a new run (step 0, a fresh optimizer) from the "
            + "weights, tokenizer and model shape of the run in DIR (its best checkpoint), e.g. to fine-tune on a new --data.")
    Path initFrom;
    @Option(names = "--eval-only", description = "With --resume: evaluate the run's latest checkpoint on its validation "
            + "batches (those training evaluates), print the figures, and train and write nothing.")
    boolean evalOnly;
    @Option(names = "--sample-tokens", defaultValue = "300", description = "Tokens to sample at the end (0: none).")
    int sampleTokens;
    @Option(names = "--quiet", description = "Print only the results: the final figures, the run folder and the sample.")
    boolean quiet;

    /** The run's log lines (data, model, loss options): stdout, or nowhere with --quiet. */
    private PrintStream log;

    /**
     * What the run trains on: the tokens, their tokenizer, and what the figures need to know about the text
     * ({@code source}: the built-in corpus, whose floors are known, or null).
     */
    private record Corpus(Tokenizer tokenizer, TokenArray tokens, TokenArray validation, double charsPerToken, String firstChar,
            SyntheticCorpus source) {
        /** The --val-data tokens for validation when given, else the last 10%. */
        TextDataset dataset(int blockSize) {
            return validation == null ? new TextDataset(tokens, tokenizer.vocabSize(), blockSize)
                    : new TextDataset(tokens, validation, tokenizer.vocabSize(), blockSize);
        }

        /** The source's entropy rate in nats per character, NaN when unknown. */
        double floorPerChar() {
            return source == null ? Double.NaN : source.entropyPerChar();
        }

        /** The floor of validation's blocks (higher: their first characters see little context); NaN unless char tokens. */
        double blockFloorPerChar(int blockSize) {
            return source != null && tokenizer instanceof CharTokenizer ? source.entropyPerCharInBlocks(blockSize) : Double.NaN;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (threads != null) Parallel.setThreads(threads);
        log = quiet ? new PrintStream(OutputStream.nullOutputStream()) : System.out;
        ClassWeightSpec weightSpec = loss.check();
        if (evalOnly && resume == null) throw new IllegalArgumentException("--eval-only needs --resume DIR: the run to evaluate");
        Checkpoint.Contents resumed = resume == null ? null : Checkpoint.load(resume, Checkpoint.LATEST);
        ResumeOptions resuming = resumed == null ? null : ResumeOptions.check(command.commandLine().getParseResult(), resumed, resume);
        if (resuming != null && resuming.changes() != null) log.println(resuming.changes());
        Path runDir = resume != null ? resume : out;
        RunLock.refuseIfInUse(runDir);
        if (resumed != null) readTheSameTextAs(resumed, runDir);
        Checkpoint.Contents init = initFrom == null ? null : initialModel();
        Checkpoint.Contents start = resumed != null ? resumed : init;    // the model and tokenizer to start from, if any
        Corpus corpus = readCorpus(start == null ? null : start.tokenizer());
        Tokenizer tok = corpus.tokenizer();

        // The model and the run
        ModelSpec spec = start != null ? start.spec() : modelSpec(tok.vocabSize());
        TextDataset dataset = corpus.dataset(resumed != null ? resumed.train().blockSize() : blockSize);
        IntFunction<String> tokenText = id -> tok.decode(new int[] {id});
        TrainConfig config = resumed != null ? resuming.config()
                : trainConfig(loss.options(weightSpec instanceof ClassWeightSpec.None ? null   // counting reads every token
                        : weightSpec.make(dataset.trainCounts(), tokenText)));
        LanguageModel lm = start != null ? start.model() : spec.build(new Rng(seed));
        if (evalOnly) return evaluateOnly(resumed, dataset, corpus);
        Files.createDirectories(runDir);
        if (!data.isEmpty()) new RunData(data, valData).save(runDir);
        double floorPerToken = corpus.floorPerChar() * corpus.charsPerToken();
        Progress progress = Progress.forThisRun(floorPerToken, quiet);
        String dataSource = data.isEmpty() ? null
                : String.join(File.pathSeparator, data.stream().map(p -> p.toAbsolutePath().toString()).toList());
        Trainer trainer = new Trainer(lm, spec, tok, dataset, dataSource, config, runDir, floorPerToken, progress);
        if (resumed != null) trainer.restore(resumed);
        log.printf(Locale.ROOT, "model: %s, %,d parameters; %,d training tokens, %,d validation tokens%n",
                spec.kind().id(), lm.module().parameterCount(), dataset.trainTokens(), dataset.validationTokens());
        LossReport.print(log, System.err, config.loss(),
                String.format(Locale.ROOT, "from %,d training tokens", dataset.trainTokens()), tokenText);
        Trainer.Result result = trainUntilDoneOrStopped(trainer, progress, runDir, RunLock.take(runDir));
        if (result.interrupted()) return INTERRUPTED;

        // The figures and a sample
        printFigures(result, corpus, config.blockSize(), runDir);
        if (sampleTokens > 0) printSample(lm, corpus);
        return 0;
    }

    /** A resumed run reads the same text the same way: its data, tokenizer kind and seed come from the checkpoint. */
    private void readTheSameTextAs(Checkpoint.Contents resumed, Path runDir) throws IOException {
        RunData recorded = RunData.of(runDir, resumed);
        if (data.isEmpty() && recorded != null) {
            data = recorded.data();
            if (valData == null) valData = recorded.valData();
        }
        tokenizer = resumed.tokenizer() instanceof CharTokenizer ? "char" : "bpe";
        seed = resumed.train().seed();
    }

    /**
     * --init-from: the model to start from (the run's best checkpoint), whose shape this run takes; a typed
     * model-shape option that differs is refused, as is an --out that would overwrite the run.
     */
    private Checkpoint.Contents initialModel() throws IOException {
        if (out.toAbsolutePath().normalize().equals(initFrom.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out must differ from --init-from (the new run would overwrite " + initFrom
                    + "); give another --out");
        }
        Checkpoint.Contents from = Checkpoint.load(initFrom, SampleCommand.bestOrLatest(initFrom));
        ResumeOptions.checkModelShape(command.commandLine().getParseResult(), from);
        tokenizer = from.tokenizer() instanceof CharTokenizer ? "char" : "bpe";
        blockSize = from.spec().blockSize();
        log.println("init: the weights, tokenizer and model shape of " + initFrom + "; a new run from step 0 with a fresh optimizer");
        return from;
    }

    /**
     * Reads the text (--data, or the built-in corpus) and fits a tokenizer unless one is given. The built-in
     * corpus is encoded in memory; files go through the token cache, which streams them and maps the tokens.
     */
    private Corpus readCorpus(Tokenizer given) throws IOException {
        if (!tokenizer.equals("char") && !tokenizer.equals("bpe")) {
            throw new IllegalArgumentException("--tokenizer must be char or bpe, got '" + tokenizer + "'");
        }
        if (data.isEmpty()) {
            if (valData != null) throw new IllegalArgumentException("--val-data needs --data: the built-in corpus has its own split");
            SyntheticCorpus corpus = SyntheticCorpus.standard();
            String source = corpus.generate(RunText.BUILT_IN_CHARS, new Rng(seed));
            log.printf(Locale.ROOT, "data: the built-in synthetic corpus (%,d chars), entropy floor %.4f nats/char%n",
                    source.length(), corpus.entropyPerChar());
            Tokenizer tok = given != null ? given : tokenizer.equals("char") ? CharTokenizer.fit(source)
                    : ByteBpeTokenizer.train(source, vocabSize);
            TokenArray tokens = RunText.encodeBuiltIn(source, tok);
            return new Corpus(tok, tokens, null, source.length() / (double) tokens.size(), "\n", corpus);
        }
        TextSources sources = TextSources.of(data);
        log.printf(Locale.ROOT, "data: %s (%,d files, %,d bytes)%n",
                data.size() == 1 ? data.get(0) : data, sources.files().size(), sources.bytes());
        CorpusCache cache = new CorpusCache(CacheFolder.resolve(cacheDir), System.out::println);
        Tokenizer tok = given != null ? given : cache.fit(sources, tokenizer, vocabSize);
        CorpusCache.Tokens train = cache.tokens(sources, tok);
        TokenArray validation = null;
        if (valData != null) {
            if (Files.isDirectory(valData)) throw new IllegalArgumentException("--val-data " + valData + " is a folder: give one text file");
            validation = cache.tokens(TextSources.of(List.of(valData)), tok).tokens();
        }
        String firstChar = tok instanceof CharTokenizer ? tok.decode(new int[] {train.tokens().get(0)}) : "\n";
        return new Corpus(tok, train.tokens(), validation, train.chars() / (double) train.tokens().size(), firstChar, null);
    }

    /** --eval-only: the checkpoint's figures on the validation batches its training evaluated; nothing is written. */
    private int evaluateOnly(Checkpoint.Contents c, TextDataset dataset, Corpus corpus) {
        Trainer trainer = new Trainer(c.model(), c.spec(), c.tokenizer(), dataset, c.train(), null, Double.NaN, null);
        trainer.evaluate();
        Evaluation figures = trainer.lastEvaluation();
        System.out.printf(Locale.ROOT, "step %d of %s, on its %d validation batches of %d × %d tokens:%n", c.state().step(), resume,
                c.train().evalBatches(), c.train().batchSize(), c.train().blockSize());
        double eps = c.train().labelSmoothing();
        new EvalReport(figures, corpus.charsPerToken(), eps > 0 ? eps : Double.NaN,
                eps > 0 ? SmoothingFloor.nats(eps, c.model().vocabSize()) : Double.NaN, null, 0).printText(System.out);
        return 0;
    }

    private ModelSpec modelSpec(int vocab) {
        return ModelSpec.builder().kind(ModelKind.of(model)).vocabSize(vocab).blockSize(blockSize).nLayer(nLayer).nHead(nHead)
                .nEmbd(nEmbd).dropout(dropout).build();
    }

    private TrainConfig trainConfig(LossOptions lossOptions) {
        return TrainConfig.builder().steps(steps).batchSize(batchSize).blockSize(blockSize).lr(lr).minLr(minLr).warmup(warmupSteps())
                .weightDecay(weightDecay).loss(lossOptions).evalEvery(evalEvery).checkpointEvery(checkpointEvery)
                .seed(seed).gradAccum(gradAccum).patience(patience).build();
    }

    /** --warmup, else an eighth of the run up to 100 steps (100 for the default 800): every --steps from 1 up has a valid schedule. */
    private int warmupSteps() {
        return warmup != null ? warmup : Math.min(100, steps / 8);
    }

    /**
     * Trains to the last step (or until --patience ends the run), or until Ctrl-C (or SIGTERM): the shutdown hook asks the loop to save a
     * checkpoint before its next step, then holds the JVM open until this thread has said where it saved and
     * released the run folder's lock (the JVM exits when the hook returns).
     */
    private static Trainer.Result trainUntilDoneOrStopped(Trainer trainer, Progress progress, Path runDir,
                                                          RunLock lock) {
        CountDownLatch reported = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            trainer.stop();
            try {
                reported.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        Trainer.Result result;
        try {
            try {
                result = trainer.train();
            } finally {
                progress.close();
            }
            if (result.interrupted()) {
                System.err.println("interrupted: saved step " + result.steps() + " into " + runDir.resolve(Checkpoint.LATEST)
                        + "; continue with --resume " + runDir);
                return result;
            }
        } finally {
            lock.close();
            reported.countDown();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(onCtrlC);
        } catch (IllegalStateException signalledAsTheRunEnded) {
            // the hook returns at once: the run is complete
        }
        return result;
    }

    /**
     * The validation figures and, for the built-in corpus, its floors: the entropy rate h, and with char tokens
     * the floor f of the validation blocks, above which the loss is D(source || model) given the same context.
     */
    private static void printFigures(Trainer.Result result, Corpus corpus, int blockSize, Path runDir) {
        Figures.print(System.out, "validation", result.valLoss(), corpus.charsPerToken());
        double h = corpus.floorPerChar(), f = corpus.blockFloorPerChar(blockSize), perChar = result.valLoss() / corpus.charsPerToken();
        if (!Double.isNaN(f)) {
            System.out.printf(Locale.ROOT, "floor: %.4f nats/char, the source's entropy rate; on %d-char blocks, whose first "
                    + "characters see little context, the best possible is %.4f%n", h, blockSize, f);
            System.out.printf(Locale.ROOT, "gap: %.4f nats/char above that, the KL divergence D(source || model) given the same "
                    + "context, estimated on the validation blocks%n", perChar - f);
        } else if (!Double.isNaN(h)) {
            System.out.printf(Locale.ROOT, "floor: %.4f nats/char, the source's entropy rate%n", h);
            System.out.printf(Locale.ROOT, "gap: %.4f nats/char, the KL divergence D(source || model) plus the cost of the short "
                    + "context at the start of each %d-token block (computed for --tokenizer char only)%n", perChar - h, blockSize);
        }
        System.out.println("run folder: " + runDir.toAbsolutePath());
    }

    private void printSample(LanguageModel lm, Corpus corpus) {
        System.out.println("sample:");
        Tokenizer tok = corpus.tokenizer();
        int[] prompt = tok.encode(data.isEmpty() ? "The" : corpus.firstChar());
        int[] ids = Sampler.generate(lm, prompt, sampleTokens, new SamplingOptions(0.8, 0, 1.0), new Rng(seed), null);
        System.out.println(tok.decode(prompt) + tok.decode(ids));
    }
}
