package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
    @Test
    void aFileFromBeforeTheValidationFiguresReadsWithThemMissing(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("metrics.csv");
        Files.writeString(file, "step,train_loss,val_loss,lr,tokens_per_sec\n1,3.5,,0.001,100\n2,3.4,3.3,0.002,110\n");
        List<MetricsLog.Row> rows = MetricsLog.read(file, 2);
        assertEquals(2, rows.size());
        assertEquals(3.3, rows.get(1).valLoss(), 0);
        assertEquals(2, rows.get(1).extra().length);
        assertTrue(Double.isNaN(rows.get(1).extra()[0]) && Double.isNaN(rows.get(1).extra()[1]));
    }

    @Test
    void aRowShortOfItsHeadersColumnsIsStillAnError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("metrics.csv");
        Files.writeString(file, "step,train_loss,val_loss,lr,tokens_per_sec,a,b\n1,3.5,,0.001,100\n2,3.4,3.3,0.002,110,1,2\n");
        assertThrows(IllegalArgumentException.class, () -> MetricsLog.read(file, 2));
    }
}
