package dev.minitape.lm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * metrics.csv: one row per logged step, {@code step,train_loss,val_loss,lr,tokens_per_sec} (plus any
 * extra columns, e.g. the copy task's exact_match); a value not measured at that step is left empty.
 * Rows are kept in memory too, for the loss plot.
 */
public final class MetricsLog {
    /** One row; NaN means "not measured at this step". */
    public record Row(int step, double trainLoss, double valLoss, double lr, double tokensPerSec, double[] extra) {}

    private final Path file;
    private final List<String> extraColumns;
    private final List<Row> rows = new ArrayList<>();

    /** A log writing to {@code file}: {@link #rewrite()} starts the file, {@link #add} appends to it. */
    public MetricsLog(Path file, List<String> extraColumns) {
        this.file = file;
        this.extraColumns = List.copyOf(extraColumns);
    }

    public static String header(List<String> extraColumns) {
        StringBuilder sb = new StringBuilder("step,train_loss,val_loss,lr,tokens_per_sec");
        for (String c : extraColumns) sb.append(',').append(c);
        return sb.toString();
    }

    /** Writes the header (replacing any file) and the rows so far. */
    public void rewrite() {
        StringBuilder sb = new StringBuilder(header(extraColumns)).append('\n');
        for (Row r : rows) sb.append(format(r)).append('\n');
        try {
            Files.writeString(file, sb, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Appends a row to memory and to the file. */
    public void add(Row row) {
        rows.add(row);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            w.write(format(row));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /** Replaces the rows in memory (resuming a run), keeping those at or before {@code step}. */
    public void restore(List<Row> previous, int step) {
        rows.clear();
        for (Row r : previous) if (r.step() <= step) rows.add(r);
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    private String format(Row r) {
        StringBuilder sb = new StringBuilder().append(r.step());
        sb.append(',').append(num(r.trainLoss())).append(',').append(num(r.valLoss())).append(',').append(num(r.lr()))
                .append(',').append(num(r.tokensPerSec()));
        for (double x : r.extra()) sb.append(',').append(num(x));
        return sb.toString();
    }

    private static String num(double x) {
        return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.6g", x);
    }

    /**
     * Reads a metrics.csv written by this class (for resuming). A malformed last line is what a crash in
     * the middle of an append leaves, and is skipped; a malformed line before it is an error. A file whose
     * header has fewer extra columns than asked for (a run from before {@code train} logged its validation
     * figures) is read with the missing ones NaN, so such a run can still be resumed.
     */
    public static List<Row> read(Path file, int extraColumns) {
        List<Row> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        int inFile = lines.isEmpty() ? extraColumns : Math.max(0, Math.min(extraColumns, lines.get(0).split(",", -1).length - 5));
        for (int i = 1; i < lines.size(); i++) {
            try {
                out.add(widened(parseRow(lines.get(i), inFile), extraColumns));
            } catch (IllegalArgumentException e) {
                if (i == lines.size() - 1) break;
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage()
                        + " (not a metrics.csv written by minitape)");
            }
        }
        return out;
    }

    private static Row widened(Row r, int extraColumns) {
        if (r.extra().length == extraColumns) return r;
        double[] extra = Arrays.copyOf(r.extra(), extraColumns);
        Arrays.fill(extra, r.extra().length, extraColumns, Double.NaN);
        return new Row(r.step(), r.trainLoss(), r.valLoss(), r.lr(), r.tokensPerSec(), extra);
    }

    private static Row parseRow(String line, int extraColumns) {
        String[] f = line.split(",", -1);
        if (f.length != 5 + extraColumns) {
            throw new IllegalArgumentException("expected " + (5 + extraColumns) + " columns, found " + f.length);
        }
        double[] extra = new double[extraColumns];
        for (int k = 0; k < extraColumns; k++) extra[k] = parse(f[5 + k]);
        return new Row(Integer.parseInt(f[0]), parse(f[1]), parse(f[2]), parse(f[3]), parse(f[4]), extra);
    }

    private static double parse(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }
}
