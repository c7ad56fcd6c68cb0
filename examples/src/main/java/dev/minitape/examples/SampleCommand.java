package dev.minitape.examples;

import dev.minitape.core.Rng;
import dev.minitape.lm.sample.Sampler;
import dev.minitape.lm.data.TextFiles;
import dev.minitape.lm.sample.SamplingOptions;
import dev.minitape.lm.sample.StopStrings;
import dev.minitape.lm.tokenizer.Tokenizer;
import dev.minitape.lm.train.Checkpoint;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code minitape sample}: streams text from a trained model. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Generate text from a trained model, token by token (uses the best checkpoint of a run).")
final class SampleCommand implements Callable<Integer> {
    @Mixin KernelOption kernels;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A run folder (train --out).")
    Path checkpoint;
    @Option(names = "--prompt", description = "Text to continue (characters, encoded with the run's tokenizer; default: The).")
    String prompt;
    @Option(names = "--prompt-file", paramLabel = "FILE", description = "Continue the text of this UTF-8 file instead.")
    Path promptFile;
    @Option(names = "--tokens", defaultValue = "200", description = "Tokens to generate per sample, at most.") int tokens;
    @Option(names = "--stop", paramLabel = "STRING",
            description = "End a sample before this text (repeatable); the stop string is not printed.")
    List<String> stops = new ArrayList<>();
    @Option(names = "--num-samples", defaultValue = "1",
            description = "Samples to print, separated by a line ---; sample i (from 0) uses seed --seed + i.")
    int numSamples;
    @Option(names = "--temperature", defaultValue = "0.8", description = "Divides the logits before softmax; 0 = greedy.")
    double temperature;
    @Option(names = "--top-k", defaultValue = "0", description = "Keep the k likeliest tokens (a count); 0 = all.") int topK;
    @Option(names = "--top-p", defaultValue = "1.0", description = "Keep the likeliest tokens whose probabilities sum to p, in (0, 1].") double topP;
    @Option(names = "--seed", defaultValue = "1", description = "Seeds the sampling.") long seed;

    @Override
    public Integer call() throws Exception {
        if (tokens <= 0) throw new IllegalArgumentException("--tokens must be positive, got " + tokens);
        if (numSamples <= 0) throw new IllegalArgumentException("--num-samples must be positive, got " + numSamples);
        SamplingOptions options = new SamplingOptions(temperature, topK, topP);
        String text = promptText();
        if (stops.contains("")) throw new IllegalArgumentException("--stop must not be empty");
        Checkpoint.Contents c = Checkpoint.load(checkpoint, bestOrLatest(checkpoint));
        Tokenizer tok = c.tokenizer();
        int[] ids = tok.encode(text);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        for (int i = 0; i < numSamples; i++) {
            if (i > 0) out.println("---");
            out.print(text);
            StopStrings stop = new StopStrings(stops);
            Sampler.generateWhile(c.model(), ids, tokens, options, new Rng(seed + i), id -> {
                out.print(stop.feed(tok.decode(new int[] {id})));
                return !stop.stopped();
            });
            out.println(stop.rest());
        }
        return 0;
    }

    /** --prompt, or the text of --prompt-file, or "The". */
    private String promptText() {
        if (promptFile == null) return prompt == null ? "The" : prompt;
        if (prompt != null) throw new IllegalArgumentException("give --prompt or --prompt-file, not both");
        return TextFiles.decodeUtf8(promptFile, TextFiles.readBytes(promptFile));
    }

    /** The best-validation checkpoint when the run has one, else the latest. */
    static String bestOrLatest(Path runDir) {
        return Files.exists(runDir.resolve(Checkpoint.BEST)) || Files.exists(runDir.resolve(Checkpoint.BEST + ".new"))
                ? Checkpoint.BEST : Checkpoint.LATEST;
    }
}
