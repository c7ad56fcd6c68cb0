package dev.minitape.lm.eval;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A reliability diagram as a PNG: above, each non-empty confidence bin's accuracy against its mean
 * confidence, beside the diagonal a calibrated model follows; below, how many positions fall in each
 * bin (the histogram of confidences), so a bin's point can be weighed by its count.
 */
public final class CalibrationPlot {
    private CalibrationPlot() {}

    /** Writes the diagram of {@code figures} into {@code png}. Headless: needs no display. */
    public static void write(Path png, Evaluation figures, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Reliability bins = figures.reliability();
        List<Chart<?, ?>> charts = List.of(diagram(bins, String.format(Locale.ROOT, "%s (ECE %.4f over %d bins)", title,
                figures.ece(), bins.bins())), histogram(bins));
        try (OutputStream out = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(charts, 2, 1, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static XYChart diagram(Reliability bins, String title) {
        XYChart chart = new XYChartBuilder().width(700).height(450).title(title)
                .xAxisTitle("confidence (top probability)").yAxisTitle("accuracy").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(1.0);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        XYSeries diagonal = chart.addSeries("calibrated", new double[] {0, 1}, new double[] {0, 1});
        diagonal.setMarker(SeriesMarkers.NONE);
        List<Double> confidence = new ArrayList<>(), accuracy = new ArrayList<>();
        for (int b = 0; b < bins.bins(); b++) {
            if (bins.count(b) == 0) continue;
            confidence.add(bins.confidence(b));
            accuracy.add(bins.accuracy(b));
        }
        if (!confidence.isEmpty()) chart.addSeries("model", confidence, accuracy).setMarker(SeriesMarkers.CIRCLE);
        return chart;
    }

    private static CategoryChart histogram(Reliability bins) {
        CategoryChart chart = new CategoryChartBuilder().width(700).height(450).title("positions per confidence bin")
                .xAxisTitle("confidence bin").yAxisTitle("positions").build();
        chart.getStyler().setLegendVisible(false);
        List<String> labels = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (int b = 0; b < bins.bins(); b++) {
            labels.add(String.format(Locale.ROOT, "%.2f", (b + 0.5) / bins.bins()));
            counts.add(bins.count(b));
        }
        chart.addSeries("positions", labels, counts);
        return chart;
    }
}
