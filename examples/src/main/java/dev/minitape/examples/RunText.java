package dev.minitape.examples;

import dev.minitape.core.Rng;
import dev.minitape.lm.data.CorpusCache;
import dev.minitape.lm.data.SyntheticCorpus;
import dev.minitape.lm.data.TextDataset;
import dev.minitape.lm.data.TextSources;
import dev.minitape.lm.data.TokenArray;
import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.lm.tokenizer.Tokenizer;
import dev.minitape.lm.train.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The text a run trained on, read again and encoded by the run's tokenizer, split as the trainer split it: its
 * token files come from the cache ({@link CacheFolder}) when they are still there.
 */
final class RunText {
    /** How many characters of the built-in corpus a run trains on. */
    static final int BUILT_IN_CHARS = 1_000_000;

    private RunText() {}

    /** The run's dataset: its --data files (and --val-data), or the built-in corpus generated from the run's seed. */
    static TextDataset dataset(Path runDir, Checkpoint.Contents run) throws IOException {
        Tokenizer tok = run.tokenizer();
        int blockSize = run.train().blockSize();
        RunData recorded = RunData.of(runDir, run);
        if (recorded == null) {
            String text = SyntheticCorpus.standard().generate(BUILT_IN_CHARS, new Rng(run.train().seed()));
            return new TextDataset(encodeBuiltIn(text, tok), tok.vocabSize(), blockSize);
        }
        CorpusCache cache = new CorpusCache(CacheFolder.resolve(null), System.err::println);
        TokenArray train = cache.tokens(TextSources.of(recorded.data()), tok).tokens();
        return recorded.valData() == null ? new TextDataset(train, tok.vocabSize(), blockSize)
                : new TextDataset(train, cache.tokens(TextSources.of(List.of(recorded.valData())), tok).tokens(),
                        tok.vocabSize(), blockSize);
    }

    /** The built-in corpus's tokens: encoded a piece at a time by a char tokenizer, at once by BPE. */
    static TokenArray encodeBuiltIn(String text, Tokenizer tok) {
        return tok instanceof CharTokenizer ? TokenArray.encodeByPieces(text, tok)
                : TokenArray.of(tok.encodeBytes(text.getBytes(StandardCharsets.UTF_8)), tok.vocabSize());
    }
}
