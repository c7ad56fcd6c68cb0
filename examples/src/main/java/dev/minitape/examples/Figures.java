package dev.minitape.examples;

import java.io.PrintStream;
import java.util.Locale;

/** The three ways to read a language model's loss. */
final class Figures {
    private Figures() {}

    /** nats per token; bits per character = nats/token ÷ (chars/token) ÷ ln 2; perplexity = e^(nats/token). */
    static void print(PrintStream out, String what, double natsPerToken, double charsPerToken) {
        out.printf(Locale.ROOT, "%s loss: %.4f nats/token, %.4f bits/char, perplexity %.3f%n", what, natsPerToken,
                bitsPerChar(natsPerToken, charsPerToken), perplexity(natsPerToken));
    }

    static double bitsPerChar(double natsPerToken, double charsPerToken) {
        return natsPerToken / charsPerToken / Math.log(2);
    }

    static double perplexity(double natsPerToken) {
        return Math.exp(natsPerToken);
    }
}
