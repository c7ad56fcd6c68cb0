package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.lm.data.SyntheticCorpus;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The floor `train` reads the built-in corpus's validation loss against, and what it calls the gap. */
class TrainFloorTest {
    @TempDir
    Path tmp;

    private CliErrorsTest.Outcome train(String... extra) {
        String[] args = {"train", "--steps", "2", "--n-layer", "1", "--n-embd", "16", "--n-head", "2", "--block-size", "16",
            "--batch-size", "4", "--sample-tokens", "0", "--quiet", "--out", tmp.resolve("run").toString()};
        String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        CliErrorsTest.Outcome o = CliErrorsTest.cli(all);
        assertEquals(0, o.code(), o.err());
        return o;
    }

    @Test
    void withCharTokensTheGapIsMeasuredFromTheFloorOfTheValidationBlocks() {
        String out = train().out();
        SyntheticCorpus corpus = SyntheticCorpus.standard();
        double h = corpus.entropyPerChar(), f = corpus.entropyPerCharInBlocks(16);
        assertTrue(out.contains(String.format(Locale.ROOT, "floor: %.4f nats/char, the source's entropy rate; on 16-char blocks", h)), out);
        assertTrue(out.contains(String.format(Locale.ROOT, "the best possible is %.4f%n", f)), out);
        double loss = number(out, "validation loss: (\\d+\\.\\d+) nats/token"), gap = number(out, "gap: (-?\\d+\\.\\d+) nats/char above that");
        assertEquals(loss - f, gap, 2e-4, out);
        assertTrue(out.contains("the KL divergence D(source || model) given the same context"), out);
    }

    @Test
    void withBpeTokensTheGapIsNotAllKl() {
        String out = train("--tokenizer", "bpe", "--vocab-size", "260").out();
        assertTrue(out.contains(String.format(Locale.ROOT, "floor: %.4f nats/char, the source's entropy rate%n",
                SyntheticCorpus.standard().entropyPerChar())), out);
        assertTrue(out.contains("the KL divergence D(source || model) plus the cost of the short context at the start of each "
                + "16-token block"), out);
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }
}
