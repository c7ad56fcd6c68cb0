package dev.minitape.lm.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationPlotTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    @Test
    void writesAPng(@TempDir Path dir) throws IOException {
        Evaluation e = new Evaluation();
        e.addRows(new float[] {2, 0, 0, 0, 3, 0, 1, 1, 1}, new int[] {0, 0, 2}, 3);
        Path png = dir.resolve("calibration.png");
        CalibrationPlot.write(png, e, "test");
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(Files.readAllBytes(png), 8));
    }
}
