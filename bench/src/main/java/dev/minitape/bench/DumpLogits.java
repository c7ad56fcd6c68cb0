package dev.minitape.bench;

import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.lm.model.LanguageModel;
import dev.minitape.lm.train.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the logits of a checkpointed model on a fixed token sequence, for scripts/minitape_to_pytorch.py
 * {@code --check}: {@code {"slot", "vocab_size", "tokens": [T ints], "logits": [[V floats] x T]}}.
 * <pre>
 *   java -cp bench/target/benchmarks.jar dev.minitape.bench.DumpLogits RUN_DIR OUT.json [SLOT [T]]
 * </pre>
 * SLOT is {@code checkpoint} (default) or {@code best}; T defaults to the model's block size. The tokens are
 * {@code new Rng(42).nextInt(V)}, T times; the forward pass is {@code model.forward(tokens, 1, T)} without
 * a tape. Floats are written with {@link Float#toString}, which reads back to the same float32.
 */
public final class DumpLogits {
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: DumpLogits RUN_DIR OUT.json [checkpoint|best [T]]");
            System.exit(2);
        }
        Path runDir = Path.of(args[0]), out = Path.of(args[1]);
        String slot = args.length > 2 ? args[2] : Checkpoint.LATEST;
        LanguageModel model = Checkpoint.load(runDir, slot).model();
        int v = model.vocabSize(), t = args.length > 3 ? Integer.parseInt(args[3]) : model.blockSize();

        int[] tokens = new int[t];
        Rng rng = new Rng(42);
        for (int i = 0; i < t; i++) tokens[i] = rng.nextInt(v);
        float[] logits;
        model.module().eval();
        try (var off = Tape.noGrad()) {
            Tensor z = model.forward(tokens, 1, t);                    // (1, T, V)
            logits = z.toArray();
        }

        StringBuilder json = new StringBuilder();
        json.append("{\"slot\": \"").append(slot).append("\", \"vocab_size\": ").append(v).append(", \"tokens\": [");
        for (int i = 0; i < t; i++) json.append(i > 0 ? ", " : "").append(tokens[i]);
        json.append("],\n \"logits\": [");
        for (int i = 0; i < t; i++) {
            json.append(i > 0 ? ",\n  [" : "\n  [");
            for (int j = 0; j < v; j++) json.append(j > 0 ? ", " : "").append(Float.toString(logits[i * v + j]));
            json.append(']');
        }
        json.append("]}\n");
        Files.writeString(out, json, StandardCharsets.UTF_8);
        System.out.printf("wrote %s: logits (1, %d, %d) of %s/%s%n", out, t, v, runDir, slot);
    }
}
