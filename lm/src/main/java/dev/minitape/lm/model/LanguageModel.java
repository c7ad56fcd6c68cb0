package dev.minitape.lm.model;

import dev.minitape.core.Rng;
import dev.minitape.core.Tensor;
import dev.minitape.nn.Module;

/** A model of the next token: logits (B, T, V) for tokens (B, T), each position seeing only its past. */
public interface LanguageModel {
    /** Logits (B, T, V): position t's are the model's scores for the token after tokens[b, 0..t]. */
    Tensor forward(int[] tokens, int batch, int time);

    int vocabSize();

    /** The longest context the model reads. */
    int blockSize();

    /** The model as a module: its parameters, train/eval mode. */
    Module module();

    /** The generator its dropout layers draw from (saved with a checkpoint to resume exactly), or null. */
    default Rng dropoutRng() {
        return null;
    }
}
