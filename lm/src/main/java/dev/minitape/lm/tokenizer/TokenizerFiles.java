package dev.minitape.lm.tokenizer;

import dev.minitape.nn.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reading and writing tokenizer files. Reading: one size check, one strict JSON read, then the {@code "type"}
 * field picks the class that checks the rest. Every tokenizer file has {@code "type"} and {@code "version"} fields;
 * the current version is {@value #VERSION}.
 */
final class TokenizerFiles {
    static final int VERSION = 1;
    /** A tokenizer with two million merges is about 30 MB of JSON; anything larger is not one of ours. */
    static final long MAX_FILE_BYTES = 64L << 20;

    private TokenizerFiles() {}

    static Tokenizer read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new TokenizerFormatException(file, "the file is " + size + " bytes, more than any tokenizer file ("
                    + MAX_FILE_BYTES + " bytes at most); is it the right file?");
        }
        return fromBytes(file, Files.readAllBytes(file));
    }

    /** The tokenizer in {@code bytes}, the contents of {@code file} (named in errors). */
    static Tokenizer fromBytes(Path file, byte[] bytes) throws TokenizerFormatException {
        JsonFields fields = JsonFields.parse(file, bytes);
        String type = fields.string("type");
        int version = fields.integer("version");
        if (version != VERSION) {
            throw fields.fail("version " + version + " is not supported; this minitape reads version " + VERSION
                    + (version > VERSION ? " (the file was written by a newer minitape)" : ""));
        }
        return switch (type) {
            case CharTokenizer.TYPE -> CharTokenizer.fromFile(fields);
            case ByteBpeTokenizer.TYPE -> ByteBpeTokenizer.fromFile(fields);
            default -> throw fields.fail("unknown tokenizer type " + JsonFields.quote(type) + "; expected \""
                    + CharTokenizer.TYPE + "\" or \"" + ByteBpeTokenizer.TYPE + "\"");
        };
    }

    /**
     * Writes a tokenizer file atomically: the "type" and "version" fields, the fields {@code body} appends (from
     * a new line, none after the last), and the closing brace.
     */
    static void write(Path file, String type, Consumer<StringBuilder> body) throws IOException {
        StringBuilder json = new StringBuilder().append("{\n  \"type\": \"").append(type).append("\",\n  \"version\": ")
                .append(VERSION).append(",\n");
        body.accept(json);
        json.append("\n}\n");
        AtomicFiles.write(file, json.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Appends {@code "name": [a, b, ...]} with 16 numbers a line. */
    static void appendInts(StringBuilder json, String name, int[] values) {
        json.append("  \"").append(name).append("\": [");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) json.append(i % 16 == 0 ? ",\n    " : ", ");
            json.append(values[i]);
        }
        json.append(']');
    }
}
