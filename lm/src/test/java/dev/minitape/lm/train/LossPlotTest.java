package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

class LossPlotTest {
    /** A run of 3 steps evaluated once, at its last step, on a 27-token vocabulary. */
    private static final List<MetricsLog.Row> ONE_EVALUATION = List.of(
            new MetricsLog.Row(1, 3.31, Double.NaN, 1e-3, 100, new double[0]),
            new MetricsLog.Row(2, 3.10, Double.NaN, 1e-3, 100, new double[0]),
            new MetricsLog.Row(3, 2.95, 2.97, 1e-3, 100, new double[0]));

    @Test
    void aSingleValidationPointIsDrawnWithAMarker() {
        XYSeries validation = LossPlot.chart(ONE_EVALUATION, Double.NaN, 27, "t").getSeriesMap().get("validation");
        assertNotNull(validation);
        assertEquals(1, validation.getXData().length);
        assertNotNull(validation.getMarker());
        assertNotEquals(SeriesMarkers.NONE, validation.getMarker());
    }

    @Test
    void theUniformLossLnVIsALabelledLevel() {
        XYChart chart = LossPlot.chart(ONE_EVALUATION, 0.47, 27, "t");
        XYSeries lnV = chart.getSeriesMap().get("ln V = 3.296 (uniform over 27 tokens)");
        assertNotNull(lnV, chart.getSeriesMap().keySet().toString());
        for (double y : lnV.getYData()) assertEquals(Math.log(27), y, 1e-12);
        assertEquals(1, lnV.getXData()[0]);
        assertEquals(3, lnV.getXData()[lnV.getXData().length - 1]);
        assertNotNull(chart.getSeriesMap().get("entropy floor 0.470"));
    }

    @Test
    void thePngIsWritten(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("loss.png");
        LossPlot.write(png, ONE_EVALUATION, Double.NaN, 27, "minitape: loss");
        assertTrue(Files.size(png) > 1000);
    }
}
