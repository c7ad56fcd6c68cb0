package dev.minitape.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes a child JVM's stderr through unchanged except for the one line the JDK prints when an incubator module is
 * resolved ("WARNING: Using incubator modules: jdk.incubator.vector"), which no JVM option turns off in JDK 17.
 * Bytes are passed on as they come (a progress bar redraws with carriage returns, not newlines); only a line that
 * could still become the warning is held back, until it either is the warning (dropped, once) or is not (passed on).
 */
final class IncubatorWarningFilter extends OutputStream {
    static final String WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";
    private static final byte[] LINE = WARNING.getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private boolean atLineStart = true;
    private boolean dropped;

    IncubatorWarningFilter(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ByteArrayOutputStream pass = new ByteArrayOutputStream(len + held.size());
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (!dropped && (atLineStart || held.size() > 0)) {
                int n = held.size();
                if (c == '\n' && endsTheWarning(n)) {             // the whole line was the warning: drop it
                    held.reset();
                    dropped = true;
                    atLineStart = true;
                    continue;
                }
                if (continuesTheWarning(n, c)) {
                    held.write(c);
                    atLineStart = false;
                    continue;
                }
                held.writeTo(pass);                               // not the warning after all
                held.reset();
            }
            pass.write(c);
            atLineStart = c == '\n';
        }
        pass.writeTo(out);
        out.flush();
    }

    /** Whether {@code n} held bytes followed by a newline make the warning line ("\r\n" endings too). */
    private boolean endsTheWarning(int n) {
        return n == LINE.length || n == LINE.length + 1 && held.toByteArray()[LINE.length] == '\r';
    }

    private static boolean continuesTheWarning(int n, byte c) {
        return n < LINE.length ? c == LINE[n] : n == LINE.length && c == '\r';
    }

    /** Passes on a partial line still held when the stream ends. */
    @Override
    public void close() throws IOException {
        held.writeTo(out);
        held.reset();
        out.flush();
    }
}
