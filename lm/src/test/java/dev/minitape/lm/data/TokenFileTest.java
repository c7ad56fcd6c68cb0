package dev.minitape.lm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
    @TempDir
    Path tmp;

    @Test
    void writtenIdsMapBackTwoOrFourBytesEach() throws IOException {
        for (int vocab : new int[] {65_536, 200_000}) {
            Path file = tmp.resolve("v" + vocab + ".tokens");
            int[] ids = {0, 1, 65_535, vocab - 1, 7};
            try (TokenFile.Writer w = new TokenFile.Writer(file, vocab)) {
                w.addAll(ids);
                w.commit();
            }
            assertEquals(ids.length * (long) TokenFile.width(vocab), Files.size(file));
            TokenArray t = TokenFile.open(file, vocab);
            assertEquals(ids.length, t.size());
            int[] back = new int[3];
            t.copy(2, back, 0, 3);
            assertEquals(vocab - 1, back[1]);
            for (int i = 0; i < ids.length; i++) assertEquals(ids[i], t.get(i));
            assertEquals(vocab - 1, t.slice(3, 5).get(0));
        }
    }

    @Test
    void aWriterClosedWithoutCommitLeavesNoFile() throws IOException {
        Path file = tmp.resolve("half.tokens");
        try (TokenFile.Writer w = new TokenFile.Writer(file, 100)) {
            w.add(3);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(0, left.count());
        }
        assertFalse(Files.exists(file));
    }

    @Test
    void aFileOfTheWrongLengthIsRefused() throws IOException {
        Path odd = tmp.resolve("odd.tokens");
        Files.write(odd, new byte[] {1, 2, 3});
        assertThrows(IOException.class, () -> TokenFile.open(odd, 100));
    }
}
