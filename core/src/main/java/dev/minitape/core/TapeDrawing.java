package dev.minitape.core;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** A tape's recorded graph as text: {@link Tape#describe()} and {@link Tape#toDot()}. */
final class TapeDrawing {
    private TapeDrawing() {}

    /** One line per op in order: its number, name, inputs (another op's number, or a leaf) and shapes. */
    static String describe(Tape tape, List<Tape.Entry> entries) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < entries.size(); i++) {
            Tape.Entry e = entries.get(i);
            sb.append('#').append(i).append(' ').append(e.op()).append('(');
            for (int j = 0; j < e.inputs().length; j++) {
                Tensor in = e.inputs()[j];
                if (j > 0) sb.append(", ");
                sb.append(inputLabel(tape, in)).append(' ');
                sb.append(in == null ? "" : Shape.str(in.shape()));
            }
            sb.append(") -> ").append(Shape.str(e.out().shape())).append('\n');
        }
        return sb.toString();
    }

    private static String inputLabel(Tape tape, Tensor in) {
        if (in == null) return "null";
        int at = tape.indexOf(in);
        return at >= 0 ? "#" + at : in.requiresGrad() ? "leaf" : "const";
    }

    /** Graphviz DOT: a box per op, an ellipse per leaf (gray when it needs no gradient), an edge per input. */
    static String toDot(Tape tape, List<Tape.Entry> entries) {
        StringBuilder sb = new StringBuilder("digraph tape {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        Map<Tensor, String> leaves = new IdentityHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Tape.Entry e = entries.get(i);
            sb.append("  op").append(i).append(" [shape=box, label=\"#").append(i).append(' ').append(e.op()).append("\\n")
                    .append(Shape.str(e.out().shape())).append("\"];\n");
            for (Tensor in : e.inputs()) {
                if (in == null) continue;
                int at = tape.indexOf(in);
                String from = at >= 0 ? "op" + at : leaves.computeIfAbsent(in, t -> "leaf" + leaves.size());
                sb.append("  ").append(from).append(" -> op").append(i).append(";\n");
            }
        }
        leaves.forEach((t, name) -> sb.append("  ").append(name).append(" [label=\"").append(t.requiresGrad() ? "leaf " : "const ")
                .append(Shape.str(t.shape())).append("\"").append(t.requiresGrad() ? "" : ", color=gray").append("];\n"));
        return sb.append("}\n").toString();
    }
}
