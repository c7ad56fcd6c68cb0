package dev.minitape.examples;

import dev.minitape.core.Rng;
import dev.minitape.lm.data.SyntheticCorpus;
import dev.minitape.lm.data.TextDataset;
import dev.minitape.lm.data.TextFiles;
import dev.minitape.lm.data.TokenArray;
import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.lm.tokenizer.Tokenizer;
import dev.minitape.lm.train.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The text a run trained on, read again and encoded by the run's tokenizer, split as the trainer split it. */
final class RunText {
    /** How many characters of the built-in corpus a run trains on. */
    static final int BUILT_IN_CHARS = 1_000_000;

    private RunText() {}

    /** The run's dataset: its --data file, or the built-in corpus generated from the run's seed. */
    static TextDataset dataset(Checkpoint.Contents run) {
        Tokenizer tok = run.tokenizer();
        byte[] bytes;
        String text;
        if (run.data() == null) {
            text = SyntheticCorpus.standard().generate(BUILT_IN_CHARS, new Rng(run.train().seed()));
            bytes = text.getBytes(StandardCharsets.UTF_8);
        } else {
            Path file = Path.of(run.data());
            bytes = TextFiles.readBytes(file);
            text = tok instanceof CharTokenizer ? TextFiles.decodeUtf8(file, bytes) : null;
        }
        TokenArray tokens = tok instanceof CharTokenizer ? TokenArray.encodeByPieces(text, tok)
                : TokenArray.of(tok.encodeBytes(bytes), tok.vocabSize());
        return new TextDataset(tokens, tok.vocabSize(), run.train().blockSize());
    }
}
