package dev.minitape.lm.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the files of a {@link TextSources} a piece at a time, so no more than about a MiB of text is in memory,
 * as one stream in which the files are joined by {@link #SEPARATOR}: an empty line marks each file boundary.
 */
public final class TextStream {
    /** What stands between two files in the stream: "\n\n", so a new file starts after an empty line. */
    public static final String SEPARATOR = "\n\n";
    private static final int PIECE = 1 << 20;

    private TextStream() {}

    /** Receives the code points of the stream. */
    @FunctionalInterface
    public interface CodePoints {
        void accept(int codePoint) throws IOException;
    }

    /** Receives pieces of the stream's bytes. */
    @FunctionalInterface
    public interface Pieces {
        void accept(byte[] piece) throws IOException;
    }

    /**
     * Each code point of the files, in order, with the separator's between files. A file that is not UTF-8
     * is an IllegalArgumentException naming it and the byte offset; so is an IllegalArgumentException
     * thrown by {@code sink} (e.g. a character a tokenizer does not know), prefixed with the file's name.
     */
    public static void codePoints(TextSources sources, CodePoints sink) throws IOException {
        for (int k = 0; k < sources.files().size(); k++) {
            if (k > 0) for (char c : SEPARATOR.toCharArray()) sink.accept(c);
            Path file = sources.files().get(k);
            try {
                decode(file, sink);
            } catch (IllegalArgumentException e) {
                boolean named = e.getMessage() != null && e.getMessage().startsWith(file.toString());
                throw named ? e : new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
        }
    }

    private static void decode(Path file, CodePoints sink) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(PIECE);
        CharBuffer out = CharBuffer.allocate(PIECE);
        long consumed = 0;
        try (FileChannel channel = FileChannel.open(file)) {
            boolean end = false;
            while (!end) {
                end = channel.read(in) < 0;
                in.flip();
                CoderResult r;
                do {
                    r = decoder.decode(in, out, end);
                    if (r.isError()) {
                        throw new IllegalArgumentException(file + " is not valid UTF-8 text (invalid byte at offset "
                                + (consumed + in.position()) + "); use --tokenizer bpe, which reads any bytes");
                    }
                    drain(out, sink);
                } while (r.isOverflow());
                consumed += in.position();
                in.compact();
            }
            decoder.flush(out);
            drain(out, sink);
        }
    }

    /** Hands over the decoded chars as code points (the decoder never splits a surrogate pair across calls). */
    private static void drain(CharBuffer out, CodePoints sink) throws IOException {
        out.flip();
        char[] chars = out.array();
        for (int i = 0, n = out.limit(); i < n; ) {
            int cp = Character.codePointAt(chars, i, n);
            sink.accept(cp);
            i += Character.charCount(cp);
        }
        out.clear();
    }

    /**
     * The stream's bytes in pieces of at most a MiB, each cut just after a newline where the MiB holds one, and
     * the separator's bytes as a piece of their own between files.
     */
    public static void pieces(TextSources sources, Pieces sink) throws IOException {
        byte[] buf = new byte[PIECE];
        for (int k = 0; k < sources.files().size(); k++) {
            if (k > 0) sink.accept(SEPARATOR.getBytes(StandardCharsets.UTF_8));
            try (InputStream in = Files.newInputStream(sources.files().get(k))) {
                int have = 0;
                while (true) {
                    int want = PIECE - have, got = in.readNBytes(buf, have, want);
                    have += got;
                    if (have == 0) break;
                    int cut = have;
                    if (got == want) {
                        int lastNewline = have - 1;
                        while (lastNewline >= 0 && buf[lastNewline] != '\n') lastNewline--;
                        if (lastNewline >= 0) cut = lastNewline + 1;
                    }
                    sink.accept(Arrays.copyOf(buf, cut));
                    System.arraycopy(buf, cut, buf, 0, have - cut);
                    have -= cut;
                    if (got < want && have == 0) break;
                }
            }
        }
    }

    /** The first {@code maxBytes} bytes of the stream (all of it when shorter). */
    public static byte[] head(TextSources sources, int maxBytes) throws IOException {
        byte[] sep = SEPARATOR.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[(int) Math.min(maxBytes, sources.bytes() + (long) sep.length * (sources.files().size() - 1))];
        int n = 0;
        for (int k = 0; k < sources.files().size() && n < out.length; k++) {
            if (k > 0) {
                int len = Math.min(sep.length, out.length - n);
                System.arraycopy(sep, 0, out, n, len);
                n += len;
            }
            try (InputStream in = Files.newInputStream(sources.files().get(k))) {
                n += in.readNBytes(out, n, out.length - n);
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
