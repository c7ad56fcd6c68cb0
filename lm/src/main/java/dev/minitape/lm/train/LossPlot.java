package dev.minitape.lm.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** loss.png: training and validation loss per step, and the entropy floor when the source's is known. */
public final class LossPlot {
    private LossPlot() {}

    /** Writes the plot; {@code floor} is NaN when unknown. Headless: needs no display. */
    public static void write(Path png, List<MetricsLog.Row> rows, double floor, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title)
                .xAxisTitle("step").yAxisTitle("loss (nats per token)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        series(chart, "train", rows, MetricsLog.Row::trainLoss);
        series(chart, "validation", rows, MetricsLog.Row::valLoss);
        if (!Double.isNaN(floor) && !rows.isEmpty()) {
            double first = rows.get(0).step(), last = Math.max(first + 1, rows.get(rows.size() - 1).step());
            XYSeries s = chart.addSeries(String.format(java.util.Locale.ROOT, "entropy floor %.3f", floor),
                    new double[] {first, last}, new double[] {floor, floor});
            s.setMarker(SeriesMarkers.NONE);
        }
        String file = png.toString();
        BitmapEncoder.saveBitmap(chart, file.endsWith(".png") ? file.substring(0, file.length() - 4) : file,
                BitmapEncoder.BitmapFormat.PNG);
    }

    private static void series(XYChart chart, String name, List<MetricsLog.Row> rows,
                               java.util.function.ToDoubleFunction<MetricsLog.Row> value) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (MetricsLog.Row r : rows) {
            double v = value.applyAsDouble(r);
            if (Double.isNaN(v)) continue;
            x.add((double) r.step());
            y.add(v);
        }
        if (x.isEmpty()) return;
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
    }
}
