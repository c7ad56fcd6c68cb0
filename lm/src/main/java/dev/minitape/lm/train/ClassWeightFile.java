package dev.minitape.lm.train;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A class-weights file, in one of two formats:
 * <ul>
 * <li>one weight per line, line i for token id i − 1: exactly V lines;</li>
 * <li>a JSON object from a token's text (as the tokenizer decodes that one id) to its weight, e.g.
 *     {@code {"e": 0.5, "z": 4}}; tokens not listed get 1.0.</li>
 * </ul>
 * Weights must be finite and ≥ 0. Bad content is an IllegalArgumentException naming the file and the line.
 */
public final class ClassWeightFile {
    private ClassWeightFile() {}

    /** The V weights {@code file} gives; {@code tokenText} maps an id to its text (for the JSON format). */
    public static float[] read(Path file, int vocab, IntFunction<String> tokenText) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the class weights file " + file + ": " + e.getMessage(), e);
        }
        return content.stripLeading().startsWith("{") ? readJson(file, content, vocab, tokenText) : readLines(file, content, vocab);
    }

    private static float[] readLines(Path file, String content, int vocab) {
        List<String> lines = content.lines().toList();
        if (lines.size() != vocab) {
            throw bad(file, 0, lines.size() + " lines for a vocabulary of " + vocab + " tokens (expected one weight per token id)");
        }
        float[] w = new float[vocab];
        for (int i = 0; i < vocab; i++) {
            String cell = lines.get(i).strip();
            try {
                w[i] = checked(file, i + 1, Float.parseFloat(cell));
            } catch (NumberFormatException e) {
                throw bad(file, i + 1, "'" + cell + "' is not a number");
            }
        }
        return w;
    }

    private static float[] readJson(Path file, String content, int vocab, IntFunction<String> tokenText) {
        Map<String, Integer> idOf = new HashMap<>();
        for (int id = 0; id < vocab; id++) idOf.merge(tokenText.apply(id), id, (a, b) -> -1);   // -1: several ids share the text
        float[] w = new float[vocab];
        Arrays.fill(w, 1f);
        boolean[] given = new boolean[vocab];
        try (JsonParser p = new JsonFactory().createParser(content)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw bad(file, 1, "expected a JSON object from token to weight");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String token = p.currentName();
                int line = p.currentTokenLocation().getLineNr();
                Integer id = idOf.get(token);
                if (id == null) throw bad(file, line, "no token '" + token + "' in the tokenizer's vocabulary");
                if (id < 0) throw bad(file, line, "'" + token + "' is the text of several token ids; use one weight per line instead");
                if (given[id]) throw bad(file, line, "token '" + token + "' is given twice");
                if (!p.nextToken().isNumeric()) throw bad(file, line, "the weight of '" + token + "' is not a number");
                w[id] = checked(file, line, p.getFloatValue());
                given[id] = true;
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw bad(file, p.currentLocation().getLineNr(), "expected the JSON object to end here");
            }
        } catch (JsonProcessingException e) {
            throw bad(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(), "not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w;
    }

    private static float checked(Path file, int line, float w) {
        if (!(w >= 0) || Float.isInfinite(w)) throw bad(file, line, "weight " + w + " must be a finite number >= 0");
        return w;
    }

    /** "weights.txt, line 3: ..." (no line when 0). */
    private static IllegalArgumentException bad(Path file, int line, String what) {
        return new IllegalArgumentException("class weights file " + file + (line > 0 ? ", line " + line : "") + ": " + what);
    }
}
