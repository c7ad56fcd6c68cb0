package dev.minitape.lm.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;

/**
 * How a run's class weights are made, as written on the command line: {@code none}, {@code balanced},
 * {@code effective:BETA} (0 ≤ BETA < 1) or the path of a weights file ({@link ClassWeightFile}). Parsing
 * checks the words and BETA; {@link #make} computes the weights once the training tokens are counted.
 */
public sealed interface ClassWeightSpec {

    /**
     * The weights for a vocabulary of counts.length tokens, or null for none.
     *
     * @param counts    how often each token id occurs in the training tokens
     * @param tokenText each id's text, to read a JSON weights file's keys
     */
    ClassWeights make(long[] counts, IntFunction<String> tokenText);

    /** No weights. */
    record None() implements ClassWeightSpec {
        public ClassWeights make(long[] counts, IntFunction<String> tokenText) {
            return null;
        }
    }

    /** {@link ClassWeights#balanced}. */
    record Balanced() implements ClassWeightSpec {
        public ClassWeights make(long[] counts, IntFunction<String> tokenText) {
            return ClassWeights.balanced(counts);
        }
    }

    /** {@link ClassWeights#effective}. */
    record Effective(double beta) implements ClassWeightSpec {
        public ClassWeights make(long[] counts, IntFunction<String> tokenText) {
            return ClassWeights.effective(counts, beta);
        }
    }

    /** {@link ClassWeightFile}. */
    record FromFile(Path file) implements ClassWeightSpec {
        public ClassWeights make(long[] counts, IntFunction<String> tokenText) {
            return ClassWeights.given("file:" + file, ClassWeightFile.read(file, counts.length, tokenText));
        }
    }

    /** The spec {@code text} names; anything but the three words and an existing file is an error naming the choices. */
    static ClassWeightSpec parse(String text) {
        String usage = "ClassWeights.spec must be none, balanced, effective:BETA or a FILE of weights, got '" + text + "'";
        if (text.equals("none")) return new None();
        if (text.equals("balanced")) return new Balanced();
        if (text.startsWith("effective:")) {
            double beta;
            try {
                beta = Double.parseDouble(text.substring("effective:".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(usage + " (BETA is not a number)");
            }
            if (!(beta >= 0 && beta < 1)) throw new IllegalArgumentException(usage + " (BETA must be in [0, 1))");
            return new Effective(beta);
        }
        Path file = Path.of(text);
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(usage + " (no such file)");
        return new FromFile(file);
    }
}
