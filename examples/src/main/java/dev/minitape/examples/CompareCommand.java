package dev.minitape.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code minitape compare RUN...}: the runs side by side, one column each: the options that differ between
 * them (from each run's checkpoint config.json) and the final figures (every column of the last evaluation
 * row of each metrics.csv); {@code --plot} overlays their validation curves.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Show training runs side by side: the options that differ between them and their final evaluation.")
final class CompareCommand implements Callable<Integer> {
    /** A cell longer than this (a list of class weights) is cut, so the table stays readable. */
    private static final int WIDEST_CELL = 40;

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run folders (train's --out).")
    List<Path> runs;
    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw the runs' validation curves, overlaid, into FILE.png.")
    Path plot;

    @Override
    public Integer call() throws Exception {
        List<RunFolder> folders = new ArrayList<>();
        List<Map<String, String>> options = new ArrayList<>(), figures = new ArrayList<>();
        for (Path run : runs) {
            RunFolder folder = RunFolder.read(run);
            figures.add(folder.lastEvaluation());
            options.add(folder.options());
            folders.add(folder);
        }
        List<String> header = new ArrayList<>(List.of(""));
        boolean namesRepeat = folders.stream().map(RunFolder::name).distinct().count() < folders.size();
        folders.forEach(f -> header.add(namesRepeat ? f.dir().toString() : f.name()));
        Table table = new Table(header.toArray(String[]::new));
        List<String> differing = differing(options);
        for (String key : differing) table.row(rowOf(key, options));
        for (String key : keys(figures)) table.row(rowOf(key, figures));
        table.print(System.out);
        if (differing.isEmpty()) System.out.println("(the runs' options are all the same)");
        if (plot != null) {
            RunCharts.write(plot, List.of(RunCharts.validationCurves(folders)));
            System.out.println("plot: " + plot);
        }
        return 0;
    }

    /** The keys whose value is not the same in every map (a key missing from one differs too). */
    private static List<String> differing(List<Map<String, String>> maps) {
        return keys(maps).stream().filter(k -> maps.stream().map(m -> m.get(k)).distinct().count() > 1).toList();
    }

    private static List<String> keys(List<Map<String, String>> maps) {
        Set<String> keys = new LinkedHashSet<>();
        maps.forEach(m -> keys.addAll(m.keySet()));
        return new ArrayList<>(keys);
    }

    private static Object[] rowOf(String key, List<Map<String, String>> maps) {
        List<Object> cells = new ArrayList<>(List.of(key));
        for (Map<String, String> m : maps) {
            String v = Objects.requireNonNullElse(m.get(key), "-");
            cells.add(v.length() > WIDEST_CELL ? v.substring(0, WIDEST_CELL - 3) + "..." : v);
        }
        return cells.toArray();
    }
}
