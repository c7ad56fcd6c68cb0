package dev.minitape.examples;

import dev.minitape.core.Rng;
import dev.minitape.lm.sample.Sampler;
import dev.minitape.lm.sample.SamplingOptions;
import dev.minitape.lm.tokenizer.Tokenizer;
import dev.minitape.lm.train.Checkpoint;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    @Option(names = "--prompt", defaultValue = "The", description = "Text to continue (characters; encoded with the run's tokenizer).")
    String prompt;
    @Option(names = "--tokens", defaultValue = "200", description = "Tokens to generate after the prompt.") int tokens;
    @Option(names = "--temperature", defaultValue = "0.8", description = "Divides the logits before softmax; 0 = greedy.")
    double temperature;
    @Option(names = "--top-k", defaultValue = "0", description = "Keep the k likeliest tokens (a count); 0 = all.") int topK;
    @Option(names = "--top-p", defaultValue = "1.0", description = "Keep the likeliest tokens whose probabilities sum to p, in (0, 1].") double topP;
    @Option(names = "--seed", defaultValue = "1", description = "Seeds the sampling.") long seed;

    @Override
    public Integer call() throws Exception {
        if (tokens <= 0) throw new IllegalArgumentException("--tokens must be positive, got " + tokens);
        SamplingOptions options = new SamplingOptions(temperature, topK, topP);
        Checkpoint.Contents c = Checkpoint.load(checkpoint, bestOrLatest(checkpoint));
        Tokenizer tok = c.tokenizer();
        int[] ids = tok.encode(prompt);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(prompt);
        Sampler.generate(c.model(), ids, tokens, options, new Rng(seed), id -> out.print(tok.decode(new int[] {id})));
        out.println();
        return 0;
    }

    /** The best-validation checkpoint when the run has one, else the latest. */
    static String bestOrLatest(Path runDir) {
        return Files.exists(runDir.resolve(Checkpoint.BEST)) || Files.exists(runDir.resolve(Checkpoint.BEST + ".new"))
                ? Checkpoint.BEST : Checkpoint.LATEST;
    }
}
