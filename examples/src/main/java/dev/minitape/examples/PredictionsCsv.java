package dev.minitape.examples;

import dev.minitape.lm.eval.Prediction;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code eval --predictions FILE.csv}: one row per scored position, so any figure can be recomputed
 * outside minitape. position is the index of the predicted token in the text's tokens (1 is the second
 * token); probabilities and entropy (nats) are written as Java's shortest round-tripping decimal.
 */
final class PredictionsCsv implements AutoCloseable {
    static final String HEADER = "position,target,argmax,p_target,p_max,entropy,sum_p2";

    private final BufferedWriter out;

    PredictionsCsv(Path file) throws IOException {
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        out.write(HEADER);
        out.newLine();
    }

    void write(long position, Prediction p) throws IOException {
        out.write(position + "," + p.target() + "," + p.argmax() + "," + p.pTarget() + "," + p.pMax() + ","
                + p.entropy() + "," + p.sumP2());
        out.newLine();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
