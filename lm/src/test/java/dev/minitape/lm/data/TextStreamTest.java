package dev.minitape.lm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files and folders become one stream, in order, with an empty line between files. */
class TextStreamTest {
    @TempDir
    Path tmp;

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static String codePoints(TextSources s) throws IOException {
        StringBuilder sb = new StringBuilder();
        TextStream.codePoints(s, sb::appendCodePoint);
        return sb.toString();
    }

    private static String pieces(TextSources s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TextStream.pieces(s, out::write);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void filesThenAFolderInSortedOrderJoinedByAnEmptyLine() throws IOException {
        Path a = write("a.txt", "first");
        write("dir/z.txt", "zed\n");
        write("dir/b/one.txt", "one");
        write("dir/.hidden", "never");
        write("dir/m.txt", "é😀");
        TextSources s = TextSources.of(List.of(a, tmp.resolve("dir")));
        assertEquals(List.of(a, tmp.resolve("dir/b/one.txt"), tmp.resolve("dir/m.txt"), tmp.resolve("dir/z.txt")), s.files());
        String expected = "first\n\none\n\né😀\n\nzed\n";
        assertEquals(expected, codePoints(s));
        assertEquals(expected, pieces(s));
        assertEquals(expected, new String(TextStream.head(s, 1000), StandardCharsets.UTF_8));
        assertEquals("first\n\no", new String(TextStream.head(s, 8), StandardCharsets.UTF_8));
    }

    @Test
    void longFilesArriveWholeAcrossPieces() throws IOException {
        String big = "a line of text, é and 😀\n".repeat(100_000);   // several MiB: several pieces
        TextSources s = TextSources.of(List.of(write("big.txt", big), write("small.txt", "end")));
        String expected = big + TextStream.SEPARATOR + "end";
        assertEquals(expected, codePoints(s));
        List<Integer> sizes = new java.util.ArrayList<>();
        TextStream.pieces(s, p -> sizes.add(p.length));
        assertTrue(sizes.size() > 3, "pieces: " + sizes);
        assertEquals(expected, pieces(s));
    }

    @Test
    void badInputNamesTheFile() throws IOException {
        Path empty = write("empty.txt", "");
        var e = assertThrows(IllegalArgumentException.class, () -> TextSources.of(List.of(empty)));
        assertTrue(e.getMessage().startsWith(empty + " is empty"), e.getMessage());
        Files.createDirectories(tmp.resolve("none"));
        e = assertThrows(IllegalArgumentException.class, () -> TextSources.of(List.of(tmp.resolve("none"))));
        assertTrue(e.getMessage().contains("folder without files"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TextSources.of(List.of(tmp.resolve("missing.txt"))));
        assertTrue(e.getMessage().endsWith("missing.txt does not exist"), e.getMessage());
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'o', 'k', (byte) 0xE9, '!'});
        e = assertThrows(IllegalArgumentException.class, () -> codePoints(TextSources.of(List.of(latin1))));
        assertTrue(e.getMessage().startsWith(latin1 + " is not valid UTF-8 text (invalid byte at offset 2)"), e.getMessage());
    }

    @Test
    void theFingerprintChangesWithTheFiles() throws IOException {
        Path a = write("a.txt", "one"), b = write("b.txt", "two");
        String both = TextSources.of(List.of(a, b)).fingerprint();
        assertEquals(both, TextSources.of(List.of(a, b)).fingerprint());
        assertTrue(!both.equals(TextSources.of(List.of(b, a)).fingerprint()));
        Files.writeString(b, "three");
        assertTrue(!both.equals(TextSources.of(List.of(a, b)).fingerprint()));
    }
}
