package dev.minitape.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minitape.lm.train.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training run's folder as {@code sweep} and {@code compare} read it: metrics.csv by column name, whatever
 * columns it has (cells kept as written, so a figure copied elsewhere equals the original), its last
 * evaluation, and the options in its checkpoint's config.json. A folder that is not a run is an
 * IllegalArgumentException saying what is missing.
 */
final class RunFolder {
    static final String METRICS = "metrics.csv";
    static final String VAL_LOSS = "val_loss";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final List<String> columns;
    private final List<String[]> rows;

    /**
     * Where the latest checkpoint stands: {@code step} of the {@code steps} its run was started for, and whether
     * --patience ended the run there (Trainer's rule: patience &gt; 0 evaluations in a row without a new best).
     */
    record CheckpointStep(int step, int steps, boolean outOfPatience) {
        boolean finished() {
            return step >= steps || outOfPatience;
        }
    }

    private RunFolder(Path dir, List<String> columns, List<String[]> rows) {
        this.dir = dir;
        this.columns = columns;
        this.rows = rows;
    }

    /** Reads the run's metrics.csv; a malformed last line (a crash in the middle of an append) is skipped. */
    static RunFolder read(Path dir) {
        if (!Files.isDirectory(dir)) throw notARun(dir, "no such folder");
        Path file = dir.resolve(METRICS);
        if (!Files.isRegularFile(file)) throw notARun(dir, "it holds no " + METRICS);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<String> columns = lines.isEmpty() ? List.of() : List.of(lines.get(0).split(",", -1));
        if (!columns.contains(VAL_LOSS)) throw notARun(dir, "its " + METRICS + " has no " + VAL_LOSS + " column");
        List<String[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length == columns.size()) {
                rows.add(cells);
            } else if (i < lines.size() - 1) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected " + columns.size()
                        + " columns, found " + cells.length + " (not a metrics.csv written by minitape)");
            }
        }
        return new RunFolder(dir, columns, rows);
    }

    private static IllegalArgumentException notARun(Path dir, String why) {
        return new IllegalArgumentException(dir + " is not a run folder: " + why
                + " (give a folder written by minitape train --out)");
    }

    Path dir() {
        return dir;
    }

    String name() {
        return dir.toAbsolutePath().normalize().getFileName().toString();
    }

    List<String> columns() {
        return columns;
    }

    /** Every column of the last row that has a validation loss, as written in metrics.csv. */
    Map<String, String> lastEvaluation() {
        int val = columns.indexOf(VAL_LOSS);
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (!rows.get(i)[val].isEmpty()) {
                Map<String, String> out = new LinkedHashMap<>();
                for (int c = 0; c < columns.size(); c++) out.put(columns.get(c), rows.get(i)[c]);
                return out;
            }
        }
        throw new IllegalArgumentException(dir + " has no evaluation yet: no row of its " + METRICS + " has a " + VAL_LOSS);
    }

    /** The validation curve: val_nll when the run logs it (the unsmoothed loss), else val_loss. */
    String curveColumn() {
        return columns.contains("val_nll") ? "val_nll" : VAL_LOSS;
    }

    /** {steps, values} of a column's non-empty cells, in order (none when the run has no such column). */
    double[][] curve(String column) {
        int c = columns.indexOf(column), step = columns.indexOf("step");
        List<double[]> points = new ArrayList<>();
        for (String[] r : rows) if (c >= 0 && !r[c].isEmpty()) points.add(new double[] {Double.parseDouble(r[step]), Double.parseDouble(r[c])});
        double[][] out = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++) {
            out[0][i] = points.get(i)[0];
            out[1][i] = points.get(i)[1];
        }
        return out;
    }

    /** The run's options: config.json of its latest (else best) checkpoint, flattened to dotted names ("train.lr"). */
    Map<String, String> options() {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", readJson(checkpoint(Checkpoint.BEST).resolve("config.json")), out);
        return out;
    }

    /** Where the latest checkpoint stands, or null when the folder holds no complete one. */
    static CheckpointStep latestCheckpoint(Path dir) {
        if (!Files.isDirectory(dir)) return null;
        Path slot;
        try {
            slot = Checkpoint.locate(dir, Checkpoint.LATEST);
        } catch (IOException none) {
            return null;
        }
        JsonNode state = readJson(slot.resolve("state.json")), config = readJson(slot.resolve("config.json"));
        int patience = config.path("train").path("patience").asInt(0);
        return new CheckpointStep(state.path("step").asInt(-1), config.path("train").path("steps").asInt(-1),
                patience > 0 && state.path("evalsSinceBest").asInt(0) >= patience);
    }

    /** The latest checkpoint's folder, else {@code fallback}'s. */
    private Path checkpoint(String fallback) {
        for (String slot : new String[] {Checkpoint.LATEST, fallback}) {
            try {
                return Checkpoint.locate(dir, slot);
            } catch (IOException tryTheNext) {
                // no complete checkpoint in this slot
            }
        }
        throw notARun(dir, "it holds no complete checkpoint with a config.json");
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not readable as JSON (" + Main.oneLine(e) + ")");
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            out.put(prefix, node.isTextual() ? node.asText() : node.toString());
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
        }
    }
}
