package dev.minitape.examples;

import dev.minitape.core.Rng;
import dev.minitape.core.kernels.Parallel;
import dev.minitape.lm.data.SyntheticCorpus;
import dev.minitape.lm.data.TextDataset;
import dev.minitape.lm.data.TextFiles;
import dev.minitape.lm.data.TokenArray;
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
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code minitape train}: a language model on a text file, or on the built-in synthetic corpus. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a language model on a text file (default: the built-in synthetic corpus, whose "
                + "exact entropy is the floor the loss is shown against).")
final class TrainCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin KernelOption kernels;
    @picocli.CommandLine.Mixin LossFlags loss;

    /** The exit code of a run stopped by Ctrl-C, as a shell reports a process ended by SIGINT (128 + 2). */
    static final int INTERRUPTED = 130;

    @Option(names = "--data", paramLabel = "FILE", description = "Text to train on (default: the built-in corpus).")
    Path data;
    @Option(names = "--tokenizer", defaultValue = "char", description = "char or bpe.")
    String tokenizer;
    @Option(names = "--vocab-size", defaultValue = "512", description = "BPE vocabulary, at least 256.")
    int vocabSize;
    @Option(names = "--model", defaultValue = "gpt", description = "bigram, mlp or gpt.")
    String model;
    @Option(names = "--n-layer", defaultValue = "2") int nLayer;
    @Option(names = "--n-head", defaultValue = "4") int nHead;
    @Option(names = "--n-embd", defaultValue = "64") int nEmbd;
    @Option(names = "--block-size", defaultValue = "64") int blockSize;
    @Option(names = "--batch-size", defaultValue = "32") int batchSize;
    @Option(names = "--steps", defaultValue = "800") int steps;
    @Option(names = "--lr", defaultValue = "3e-3") double lr;
    @Option(names = "--min-lr", defaultValue = "3e-4") double minLr;
    @Option(names = "--warmup", defaultValue = "100") int warmup;
    @Option(names = "--weight-decay", defaultValue = "0.1") double weightDecay;
    @Option(names = "--dropout", defaultValue = "0") float dropout;
    @Option(names = "--eval-every", defaultValue = "200") int evalEvery;
    @Option(names = "--checkpoint-every", defaultValue = "0",
            description = "Also checkpoint every N steps; 0: only at the end and at each best validation loss.")
    int checkpointEvery;
    @Option(names = "--seed", defaultValue = "1337") long seed;
    @Option(names = "--threads", description = "Kernel threads (default: all cores).") Integer threads;
    @Option(names = "--out", defaultValue = "runs/latest", paramLabel = "DIR", description = "Run folder.")
    Path out;
    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last checkpoint.")
    Path resume;
    @Option(names = "--sample-tokens", defaultValue = "300", description = "Tokens to sample at the end.")
    int sampleTokens;
    @Option(names = "--quiet", description = "Print only the results: the final figures, the run folder and the sample.")
    boolean quiet;

    /** The run's log lines (data, model, loss options): stdout, or nowhere with --quiet. */
    private PrintStream log;

    /** What the run trains on: the tokens, their tokenizer, and what the figures need to know about the text. */
    private record Corpus(Tokenizer tokenizer, TokenArray tokens, double charsPerToken, String firstChar, double floorPerChar) {}

    @Override
    public Integer call() throws Exception {
        if (threads != null) Parallel.setThreads(threads);
        log = quiet ? new PrintStream(OutputStream.nullOutputStream()) : System.out;
        ClassWeightSpec weightSpec = loss.check();
        Checkpoint.Contents resumed = resume == null ? null : Checkpoint.load(resume, Checkpoint.LATEST);
        Path runDir = resume != null ? resume : out;
        RunLock.refuseIfInUse(runDir);
        if (resumed != null) readTheSameTextAs(resumed);
        Corpus corpus = readCorpus(resumed == null ? null : resumed.tokenizer());
        Tokenizer tok = corpus.tokenizer();

        // The model and the run
        ModelSpec spec = resumed != null ? resumed.spec() : modelSpec(tok.vocabSize());
        TextDataset dataset = new TextDataset(corpus.tokens(), tok.vocabSize(), resumed != null ? resumed.train().blockSize() : blockSize);
        IntFunction<String> tokenText = id -> tok.decode(new int[] {id});
        TrainConfig config = resumed != null ? resumed.train()
                : trainConfig(loss.options(weightSpec.make(dataset.trainCounts(), tokenText)));
        LanguageModel lm = resumed != null ? resumed.model() : spec.build(new Rng(seed));
        Files.createDirectories(runDir);
        double floorPerToken = corpus.floorPerChar() * corpus.charsPerToken();
        Progress progress = Progress.forThisRun(floorPerToken, quiet);
        String dataSource = data == null ? null : data.toAbsolutePath().toString();
        Trainer trainer = new Trainer(lm, spec, tok, dataset, dataSource, config, runDir, floorPerToken, progress);
        if (resumed != null) trainer.restore(resumed);
        log.printf(Locale.ROOT, "model: %s, %,d parameters; %,d training tokens, %,d validation tokens%n",
                spec.kind().id(), lm.module().parameterCount(), dataset.trainTokens(), dataset.validationTokens());
        LossReport.print(log, System.err, config.loss(),
                String.format(Locale.ROOT, "from %,d training tokens", dataset.trainTokens()), tokenText);
        Trainer.Result result = trainUntilDoneOrStopped(trainer, progress, config.steps(), runDir, RunLock.take(runDir));
        if (result.steps() < config.steps()) return INTERRUPTED;

        // The figures and a sample
        printFigures(result, corpus, runDir);
        if (sampleTokens > 0) printSample(lm, corpus);
        return 0;
    }

    /** A resumed run reads the same text the same way: its data, tokenizer kind and seed come from the checkpoint. */
    private void readTheSameTextAs(Checkpoint.Contents resumed) {
        if (data == null && resumed.data() != null) data = Path.of(resumed.data());
        tokenizer = resumed.tokenizer() instanceof CharTokenizer ? "char" : "bpe";
        seed = resumed.train().seed();
    }

    /**
     * Reads the text (--data, or the built-in corpus), fits a tokenizer unless one is given, and encodes the
     * text; the raw text is dropped on return, so only the compact tokens stay in memory.
     */
    private Corpus readCorpus(Tokenizer given) throws IOException {
        String source;
        byte[] bytes;
        double floorPerChar = Double.NaN;
        if (data == null) {
            SyntheticCorpus corpus = SyntheticCorpus.standard();
            source = corpus.generate(RunText.BUILT_IN_CHARS, new Rng(seed));
            bytes = source.getBytes(StandardCharsets.UTF_8);
            floorPerChar = corpus.entropyPerChar();
            log.printf(Locale.ROOT, "data: the built-in synthetic corpus (%,d chars), entropy floor %.4f nats/char%n",
                    source.length(), floorPerChar);
        } else {
            bytes = TextFiles.readBytes(data);
            source = tokenizer.equals("char") ? TextFiles.decodeUtf8(data, bytes) : null;
            log.printf(Locale.ROOT, "data: %s (%,d bytes)%n", data, bytes.length);
        }
        Tokenizer tok = given != null ? given : switch (tokenizer) {
            case "char" -> CharTokenizer.fit(source);
            case "bpe" -> ByteBpeTokenizer.train(bytes, vocabSize);
            default -> throw new IllegalArgumentException("--tokenizer must be char or bpe, got '" + tokenizer + "'");
        };
        TokenArray tokens = source != null && tok instanceof CharTokenizer ? TokenArray.encodeByPieces(source, tok)
                : TokenArray.of(tok.encodeBytes(bytes), tok.vocabSize());
        double charsPerToken = (source != null ? source.length() : bytes.length) / (double) tokens.size();
        String firstChar = source == null || source.isEmpty() ? "\n" : source.substring(0, Character.charCount(source.codePointAt(0)));
        return new Corpus(tok, tokens, charsPerToken, firstChar, floorPerChar);
    }

    private ModelSpec modelSpec(int vocab) {
        return ModelSpec.builder().kind(ModelKind.of(model)).vocabSize(vocab).blockSize(blockSize).nLayer(nLayer).nHead(nHead)
                .nEmbd(nEmbd).dropout(dropout).build();
    }

    private TrainConfig trainConfig(LossOptions lossOptions) {
        return TrainConfig.builder().steps(steps).batchSize(batchSize).blockSize(blockSize).lr(lr).minLr(minLr).warmup(warmup)
                .weightDecay(weightDecay).loss(lossOptions).evalEvery(evalEvery).checkpointEvery(checkpointEvery)
                .seed(seed).build();
    }

    /**
     * Trains to the last step, or until Ctrl-C (or SIGTERM): the shutdown hook asks the loop to save a
     * checkpoint before its next step, then holds the JVM open until this thread has said where it saved and
     * released the run folder's lock (the JVM exits when the hook returns).
     */
    private static Trainer.Result trainUntilDoneOrStopped(Trainer trainer, Progress progress, int steps, Path runDir,
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
            if (result.steps() < steps) {
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

    private static void printFigures(Trainer.Result result, Corpus corpus, Path runDir) {
        Figures.print(System.out, "validation", result.valLoss(), corpus.charsPerToken());
        if (!Double.isNaN(corpus.floorPerChar())) {
            System.out.printf(Locale.ROOT, "floor: %.4f nats/char; the gap %.4f nats/char is the KL divergence D(source || model)%n",
                    corpus.floorPerChar(), result.valLoss() / corpus.charsPerToken() - corpus.floorPerChar());
        }
        System.out.println("run folder: " + runDir.toAbsolutePath());
    }

    private void printSample(LanguageModel lm, Corpus corpus) {
        System.out.println("sample:");
        Tokenizer tok = corpus.tokenizer();
        int[] prompt = tok.encode(data == null ? "The" : corpus.firstChar());
        int[] ids = Sampler.generate(lm, prompt, sampleTokens, new SamplingOptions(0.8, 0, 1.0), new Rng(seed), null);
        System.out.println(tok.decode(prompt) + tok.decode(ids));
    }
}
