package dev.minitape.lm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.lm.tokenizer.ByteBpeTokenizer;
import dev.minitape.lm.tokenizer.CharTokenizer;
import dev.minitape.lm.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenizing once into the cache, reading it back the next time, and tokenizing again when a file changes. */
class CorpusCacheTest {
    @TempDir
    Path tmp;
    final List<String> log = new ArrayList<>();

    private static int[] all(TokenArray t) {
        int[] ids = new int[t.size()];
        t.copy(0, ids, 0, ids.length);
        return ids;
    }

    @Test
    void charTokensAreThoseOfTheJoinedTextAndAreReadBackTheSecondTime() throws IOException {
        Path a = tmp.resolve("a.txt"), b = tmp.resolve("b.txt");
        Files.writeString(a, "hello there");
        Files.writeString(b, "bye 😀");
        TextSources s = TextSources.of(List.of(a, b));
        CorpusCache cache = new CorpusCache(tmp.resolve("cache"), log::add);
        Tokenizer tok = cache.fit(s, "char", 0);
        String joined = "hello there\n\nbye 😀";
        assertEquals(CharTokenizer.fit(joined), tok);
        CorpusCache.Tokens first = cache.tokens(s, tok);
        assertArrayEquals(tok.encode(joined), all(first.tokens()));
        assertEquals(joined.codePointCount(0, joined.length()), first.chars());
        assertTrue(log.get(log.size() - 1).startsWith("tokenized 19 bytes into 18 tokens in "), log.toString());

        CorpusCache again = new CorpusCache(tmp.resolve("cache"), log::add);
        assertEquals(tok, again.fit(s, "char", 0));
        CorpusCache.Tokens second = again.tokens(s, tok);
        assertTrue(log.get(log.size() - 1).startsWith("tokens: cached "), log.toString());
        assertArrayEquals(all(first.tokens()), all(second.tokens()));

        Files.writeString(b, "bye now");
        TextSources edited = TextSources.of(List.of(a, b));
        Tokenizer refit = again.fit(edited, "char", 0);
        assertNotEquals(tok, refit);
        again.tokens(edited, refit);
        assertTrue(log.get(log.size() - 1).startsWith("tokenized "), log.toString());
    }

    @Test
    void bpeLearnsFromTheFirstBytesAndEncodesLineByLinePieces() throws IOException {
        Path a = tmp.resolve("a.txt");
        Files.writeString(a, "the cat sat on the mat\n".repeat(50));
        TextSources s = TextSources.of(List.of(a));
        CorpusCache cache = new CorpusCache(tmp.resolve("cache"), log::add);
        Tokenizer tok = cache.fit(s, "bpe", 300);
        assertEquals(ByteBpeTokenizer.train(Files.readAllBytes(a), 300), tok);
        assertTrue(log.get(0).contains("trained on the first 1,150 of 1,150 bytes"), log.toString());
        assertArrayEquals(tok.encodeBytes(Files.readAllBytes(a)), all(cache.tokens(s, tok).tokens()));
    }

    @Test
    void aCharacterOutsideTheVocabularyNamesTheFileAndSuggestsBpe() throws IOException {
        Path train = tmp.resolve("train.txt"), val = tmp.resolve("val.txt");
        Files.writeString(train, "abc");
        Files.writeString(val, "abz");
        CorpusCache cache = new CorpusCache(tmp.resolve("cache"), log::add);
        Tokenizer tok = cache.fit(TextSources.of(List.of(train)), "char", 0);
        var e = assertThrows(IllegalArgumentException.class, () -> cache.tokens(TextSources.of(List.of(val)), tok));
        assertEquals(val + ": character U+007A 'z' is not in the char tokenizer's vocabulary (the characters of the "
                + "training text); use --tokenizer bpe, which encodes any text", e.getMessage());
        try (var left = Files.list(tmp.resolve("cache"))) {
            assertEquals(1, left.count(), "only the tokenizer: no token file, whole or half");
        }
    }
}
