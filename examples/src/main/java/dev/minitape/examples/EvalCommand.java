package dev.minitape.examples;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Reduction;
import dev.minitape.core.Tape;
import dev.minitape.lm.data.TextFiles;
import dev.minitape.lm.model.LanguageModel;
import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.lm.tokenizer.Tokenizer;
import dev.minitape.lm.train.Checkpoint;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code minitape eval}: a trained model's loss on a text file. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Loss of a trained model on a text file: nats per token, bits per character, perplexity.")
final class EvalCommand implements Callable<Integer> {
    @Mixin KernelOption kernels;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR", description = "A run folder (train --out).")
    Path checkpoint;
    @Option(names = "--data", required = true, paramLabel = "FILE", description = "The text to evaluate on.")
    Path data;

    @Override
    public Integer call() throws Exception {
        Checkpoint.Contents c = Checkpoint.load(checkpoint, SampleCommand.bestOrLatest(checkpoint));
        Tokenizer tok = c.tokenizer();
        byte[] bytes = TextFiles.readBytes(data);
        String text = tok instanceof CharTokenizer ? TextFiles.decodeUtf8(data, bytes) : null;
        int[] tokens = text != null ? tok.encode(text) : tok.encodeBytes(bytes);
        LanguageModel lm = c.model();
        int t = lm.blockSize();
        if (tokens.length < 2) throw new IllegalArgumentException(data + " holds fewer than 2 tokens: nothing to predict");
        // Consecutive windows of up to T predictions each; every token after the first is predicted once.
        CrossEntropy sum = CrossEntropy.builder().reduction(Reduction.SUM).build();
        double nats = 0;
        long predicted = 0;
        lm.module().eval();
        try (var off = Tape.noGrad()) {
            for (int from = 0; from + 1 < tokens.length; from += t) {
                int len = Math.min(t, tokens.length - 1 - from);
                int[] x = Arrays.copyOfRange(tokens, from, from + len), y = Arrays.copyOfRange(tokens, from + 1, from + 1 + len);
                nats += sum.apply(lm.forward(x, 1, len), y).item();
                predicted += len;
            }
        }
        double chars = text != null ? text.codePointCount(0, text.length()) : bytes.length;
        double natsPerToken = nats / predicted;
        System.out.printf("%s: %,d tokens%n", data, tokens.length);
        Figures.print(System.out, "eval", natsPerToken, chars / tokens.length);
        return 0;
    }
}
