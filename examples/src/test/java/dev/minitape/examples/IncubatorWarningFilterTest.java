package dev.minitape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IncubatorWarningFilterTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final IncubatorWarningFilter filter = new IncubatorWarningFilter(out);

    private void write(String s) throws IOException {
        filter.write(s.getBytes(StandardCharsets.UTF_8));
    }

    private String seen() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theWarningLineIsDroppedAndEverythingElsePasses() throws IOException {
        write(IncubatorWarningFilter.WARNING + "\nminitape: bad input\n");
        assertEquals("minitape: bad input\n", seen());
    }

    @Test
    void theWarningIsRecognizedAcrossWritesAndWithWindowsLineEnds() throws IOException {
        String w = IncubatorWarningFilter.WARNING;
        write(w.substring(0, 10));
        assertEquals("", seen(), "a line that may still be the warning is held");
        write(w.substring(10) + "\r");
        write("\nnext");
        assertEquals("next", seen());
    }

    @Test
    void aProgressBarRedrawPassesAtOnce() throws IOException {
        write("\rtrain  10% [==   ] 80/800");
        assertEquals("\rtrain  10% [==   ] 80/800", seen(), "no newline needed for output to pass");
        write("\rtrain  20%");
        assertEquals("\rtrain  10% [==   ] 80/800\rtrain  20%", seen());
    }

    @Test
    void aLineThatOnlyStartsLikeTheWarningPassesWhole() throws IOException {
        write("WARNING: Using incubator modules: jdk.incubator.foreign\n");
        write("WARNING: Using");
        filter.close();                                    // the stream ends mid-line: nothing is lost
        assertEquals("WARNING: Using incubator modules: jdk.incubator.foreign\nWARNING: Using", seen());
    }

    @Test
    void theWarningIsDroppedOnceOnlyAndOnlyAtTheStartOfALine() throws IOException {
        String w = IncubatorWarningFilter.WARNING;
        write("x" + w + "\n" + w + "\n" + w + "\n");
        assertEquals("x" + w + "\n" + w + "\n", seen());
    }
}
