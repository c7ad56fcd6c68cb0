package dev.minitape.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The charts of sweep.png and compare --plot: runs' validation curves overlaid, and final figures against an axis. */
final class RunCharts {
    private RunCharts() {}

    /** One validation curve per run (val_nll when logged, else val_loss), named by its run folder. */
    static XYChart validationCurves(List<RunFolder> runs) {
        String column = runs.get(0).curveColumn();
        XYChart chart = chart("validation curves: " + column, "step", column + " (nats per token)");
        boolean namesRepeat = runs.stream().map(RunFolder::name).distinct().count() < runs.size();
        for (RunFolder run : runs) {
            double[][] curve = run.curve(column);
            String label = namesRepeat ? run.dir().toString() : run.name();
            if (curve[0].length > 0) chart.addSeries(label, curve[0], curve[1]).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    /**
     * One chart per figure: its final value against {@code axis}'s numeric values, one line per combination of
     * the other axes ({@code groups}: each row's label), the mean over the rows (seeds) at each value.
     */
    static List<XYChart> figuresAgainst(String axis, List<String> figures, List<Map<String, String>> rows, List<String> groups) {
        List<XYChart> charts = new ArrayList<>();
        for (String figure : figures) {
            XYChart chart = chart("final " + figure + " against " + axis, axis, figure);
            Map<String, TreeMap<Double, double[]>> sums = new LinkedHashMap<>();     // group → x → {sum, count}
            for (int i = 0; i < rows.size(); i++) {
                String y = rows.get(i).getOrDefault(figure, "");
                if (y.isEmpty()) continue;
                double[] sum = sums.computeIfAbsent(groups.get(i), g -> new TreeMap<>())
                        .computeIfAbsent(Double.parseDouble(rows.get(i).get(axis)), x -> new double[2]);
                sum[0] += Double.parseDouble(y);
                sum[1]++;
            }
            sums.forEach((group, byX) -> chart.addSeries(group, new ArrayList<>(byX.keySet()),
                    byX.values().stream().map(s -> s[0] / s[1]).toList()));
            if (!sums.isEmpty()) charts.add(chart);
        }
        return charts;
    }

    /** Writes the charts as one PNG: a grid two charts wide. Headless: needs no display. */
    static void write(Path png, List<XYChart> charts) throws IOException {
        int cols = Math.min(2, charts.size());
        try (OutputStream file = Files.newOutputStream(png)) {
            BitmapEncoder.saveBitmap(charts, (charts.size() + cols - 1) / cols, cols, file, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static XYChart chart(String title, String x, String y) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return chart;
    }
}
