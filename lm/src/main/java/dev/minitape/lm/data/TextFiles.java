package dev.minitape.lm.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading training text, with errors that name the file and say what to do. */
public final class TextFiles {
    private TextFiles() {}

    /** The file's bytes; a missing, unreadable, empty or directory path is an IllegalArgumentException. */
    public static byte[] readBytes(Path file) {
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file + " is a folder, not a text file");
        if (!Files.exists(file)) throw new IllegalArgumentException(file + " does not exist");
        if (!Files.isReadable(file)) throw new IllegalArgumentException(file + " cannot be read (check its permissions)");
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0) throw new IllegalArgumentException(file + " is empty: give a text file to train on");
            return bytes;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Strict UTF-8: invalid bytes are an error naming their byte offset and suggesting --tokenizer bpe. */
    public static String decodeUtf8(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            throw new IllegalArgumentException(file + " is not valid UTF-8 text (invalid byte at offset " + in.position()
                    + "); use --tokenizer bpe, which reads any bytes");
        }
        decoder.flush(out);
        return out.flip().toString();
    }
}
