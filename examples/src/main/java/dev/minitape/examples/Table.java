package dev.minitape.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A small aligned text table: a header row, then rows; numbers right-aligned, text left-aligned. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        rows.add(header);
    }

    Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] instanceof Double d ? String.format(java.util.Locale.ROOT, "%.4f", d) : String.valueOf(cells[i]);
        }
        rows.add(r);
        return this;
    }

    void print(PrintStream out) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) for (int c = 0; c < cols; c++) width[c] = Math.max(width[c], r[c].length());
        for (int i = 0; i < rows.size(); i++) {
            StringBuilder sb = new StringBuilder("  ");
            for (int c = 0; c < cols; c++) {
                String cell = rows.get(i)[c];
                boolean number = i > 0 && !cell.isEmpty() && (Character.isDigit(cell.charAt(cell.length() - 1)));
                String pad = " ".repeat(width[c] - cell.length());
                sb.append(number ? pad + cell : cell + pad).append(c + 1 < cols ? "   " : "");
            }
            out.println(sb.toString().stripTrailing());
            if (i == 0) {
                StringBuilder rule = new StringBuilder("  ");
                for (int c = 0; c < cols; c++) rule.append("-".repeat(width[c])).append(c + 1 < cols ? "   " : "");
                out.println(rule.toString().stripTrailing());
            }
        }
    }
}
