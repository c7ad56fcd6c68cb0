package dev.minitape.examples;

import dev.minitape.nn.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;

/**
 * A finished sweep's summary. sweep.csv: one row per run, its folder, its value of each axis (columns named by
 * the option, e.g. {@code --label-smoothing}, {@code --seed}) and every column of its last evaluation in
 * metrics.csv, copied as written. sweep.png: the runs' validation curves, then one chart per validation figure
 * against the first axis whose values are all numbers (when there is one), the mean over seeds.
 */
final class SweepReport {
    private SweepReport() {}

    static void write(Path dir, List<SweepPlan.Run> runs, PrintStream out) throws IOException {
        List<RunFolder> folders = new ArrayList<>();
        List<Map<String, String>> rows = new ArrayList<>();
        Set<String> figureColumns = new LinkedHashSet<>();
        for (SweepPlan.Run run : runs) {
            RunFolder folder = RunFolder.read(dir.resolve(run.name()));
            Map<String, String> row = new LinkedHashMap<>();
            row.put("run", run.name());
            row.putAll(run.axes());
            Map<String, String> last = folder.lastEvaluation();
            row.putAll(last);
            figureColumns.addAll(last.keySet());
            folders.add(folder);
            rows.add(row);
        }
        List<String> columns = new ArrayList<>(rows.get(0).keySet());
        figureColumns.stream().filter(c -> !columns.contains(c)).forEach(columns::add);
        writeCsv(dir.resolve("sweep.csv"), columns, rows);
        printTable(out, columns, rows);
        drawCharts(dir.resolve("sweep.png"), runs, folders, rows, figureColumns, out);
        out.println("sweep: " + dir.resolve("sweep.csv") + ", " + dir.resolve("sweep.png"));
    }

    private static void writeCsv(Path file, List<String> columns, List<Map<String, String>> rows) throws IOException {
        StringBuilder csv = new StringBuilder(String.join(",", columns)).append('\n');
        for (Map<String, String> row : rows) {
            csv.append(columns.stream().map(c -> csvCell(row.getOrDefault(c, ""))).collect(Collectors.joining(","))).append('\n');
        }
        AtomicFiles.write(file, csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A value with a comma or a quote (a file path) is quoted as CSV quotes it. */
    private static String csvCell(String value) {
        return value.contains(",") || value.contains("\"") ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /** The run, its axes, then the figures: step, train_loss and every val_ column (sweep.csv has them all). */
    private static void printTable(PrintStream out, List<String> columns, List<Map<String, String>> rows) {
        List<String> shown = columns.stream().filter(c -> c.equals("run") || c.startsWith("--") || c.equals("step")
                || c.equals("train_loss") || c.startsWith("val_")).toList();
        Table table = new Table(shown.toArray(String[]::new));
        for (Map<String, String> row : rows) table.row(shown.stream().map(c -> row.getOrDefault(c, "")).toArray());
        table.print(out);
    }

    private static void drawCharts(Path png, List<SweepPlan.Run> runs, List<RunFolder> folders, List<Map<String, String>> rows,
                                   Set<String> figureColumns, PrintStream out) throws IOException {
        List<XYChart> charts = new ArrayList<>(List.of(RunCharts.validationCurves(folders)));
        Set<String> axes = runs.get(0).axes().keySet();
        String numericAxis = axes.stream().filter(a -> !a.equals("--seed"))
                .filter(a -> runs.stream().allMatch(r -> SweepPlan.isNumber(r.axes().get(a)))).findFirst().orElse(null);
        if (numericAxis == null) {
            out.println("sweep: no axis but --seed has numeric values, so sweep.png holds the validation curves only");
        } else {
            List<String> figures = figureColumns.stream().filter(c -> c.startsWith("val_")).toList();
            List<String> groups = runs.stream().map(r -> groupLabel(r, numericAxis)).toList();
            charts.addAll(RunCharts.figuresAgainst(numericAxis, figures, rows, groups));
        }
        RunCharts.write(png, charts);
    }

    /** The run's other axes but the seed ("--class-weights=balanced"), or "mean over seeds" when there are none. */
    private static String groupLabel(SweepPlan.Run run, String xAxis) {
        String label = run.axes().entrySet().stream().filter(e -> !e.getKey().equals(xAxis) && !e.getKey().equals("--seed"))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        return label.isEmpty() ? "mean over seeds" : label;
    }
}
