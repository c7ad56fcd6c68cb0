package dev.minitape.lm.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * loss.png: training and validation loss per step, the loss ln V of a uniform prediction over the V tokens
 * (about where training starts), and the entropy floor when the source's is known.
 */
public final class LossPlot {
    private LossPlot() {}

    /** Writes the plot; {@code floor} is NaN when unknown. Headless: needs no display. */
    public static void write(Path png, List<MetricsLog.Row> rows, double floor, int vocabSize, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        String file = png.toString();
        BitmapEncoder.saveBitmap(chart(rows, floor, vocabSize, title), file.endsWith(".png") ? file.substring(0, file.length() - 4) : file,
                BitmapEncoder.BitmapFormat.PNG);
    }

    /** The chart {@link #write} draws. Validation points carry markers: evaluations are few, a single one is no line. */
    static XYChart chart(List<MetricsLog.Row> rows, double floor, int vocabSize, String title) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title)
                .xAxisTitle("step").yAxisTitle("loss (nats per token)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        series(chart, "train", rows, MetricsLog.Row::trainLoss).ifPresent(s -> s.setMarker(SeriesMarkers.NONE));
        series(chart, "validation", rows, MetricsLog.Row::valLoss).ifPresent(s -> s.setMarker(SeriesMarkers.CIRCLE));
        double lnV = Math.log(vocabSize);
        level(chart, String.format(Locale.ROOT, "ln V = %.3f (uniform over %d tokens)", lnV, vocabSize), lnV, rows);
        if (!Double.isNaN(floor)) level(chart, String.format(Locale.ROOT, "entropy floor %.3f", floor), floor, rows);
        return chart;
    }

    private static Optional<XYSeries> series(XYChart chart, String name, List<MetricsLog.Row> rows,
                                                       ToDoubleFunction<MetricsLog.Row> value) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (MetricsLog.Row r : rows) {
            double v = value.applyAsDouble(r);
            if (Double.isNaN(v)) continue;
            x.add((double) r.step());
            y.add(v);
        }
        return x.isEmpty() ? Optional.empty() : Optional.of(chart.addSeries(name, x, y));
    }

    /** A dashed horizontal line at {@code y} across the steps of the run. */
    private static void level(XYChart chart, String name, double y, List<MetricsLog.Row> rows) {
        if (rows.isEmpty()) return;
        double first = rows.get(0).step(), last = Math.max(first + 1, rows.get(rows.size() - 1).step());
        XYSeries s = chart.addSeries(name, new double[] {first, last}, new double[] {y, y});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(SeriesLines.DASH_DASH);
    }
}
