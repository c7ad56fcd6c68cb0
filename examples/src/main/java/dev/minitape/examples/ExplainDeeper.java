package dev.minitape.examples;

import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import java.io.PrintStream;
import java.util.Locale;

/**
 * explain's last sections, one level below the formulas: where p − y comes from (the softmax Jacobian), why
 * the max is subtracted before exponentiating, and why cross-entropy rather than squared error on p.
 */
final class ExplainDeeper {
    private final PrintStream out;
    private final String[] label;
    private final int target;

    ExplainDeeper(PrintStream out, String[] label, int target) {
        this.out = out;
        this.label = label;
        this.target = target;
    }

    /**
     * J_ij = ∂p_i/∂z_j = p_i·([i = j] − p_j), i.e. J = diag(p) − p·pᵀ, checked against the tape; then the chain rule
     * through it: ∂L/∂z_j = Σ_i (∂L/∂p_i)·J_ij with ∂L/∂p_i = −y_i/p_i collapses to p_j − y_j.
     */
    void jacobian(float[] z, double[] p) {
        ExplainCommand.section(out, "9. Why the gradient is p − y: the softmax Jacobian J = diag(p) − p·pᵀ");
        int v = p.length, shown = Math.min(v, 8);
        String[] header = new String[shown + 1];
        header[0] = "∂p_i/∂z_j";
        for (int j = 0; j < shown; j++) header[j + 1] = label[j];
        Table t = new Table(header);
        double largest = 0;
        for (int i = 0; i < shown; i++) {
            float[] tapeRow = tapeJacobianRow(z, i);
            Object[] row = new Object[shown + 1];
            row[0] = label[i];
            for (int j = 0; j < shown; j++) {
                double jij = p[i] * ((i == j ? 1 : 0) - p[j]);
                row[j + 1] = jij;
                largest = Math.max(largest, Math.abs(jij - tapeRow[j]));
            }
            t.row(row);
        }
        t.print(out);
        out.printf(Locale.ROOT, "the tape's Jacobian (backward from each p_i): largest |difference| %s%s%n",
                ExplainCommand.difference(largest),
                shown < v ? " (first " + shown + " classes shown)" : "");
        out.println("the loss L = −ln p_y has ∂L/∂p_i = −y_i/p_i (only the target's entry is not 0), so");
        out.println("∂L/∂z_j = Σ_i (−y_i/p_i)·p_i·([i = j] − p_j) = −([y = j] − p_j) = p_j − y_j: the division by p_y cancels,");
        out.println("which is why the fused loss never divides by a probability that may be 0.");
    }

    /** Row i of the softmax Jacobian from the tape: backward from p_i alone. */
    private static float[] tapeJacobianRow(float[] z, int i) {
        Tensor logits = Tensor.of(z, 1, z.length).requiresGrad(true);
        try (Tape tape = Tape.start()) {
            logits.softmax(-1).gather(1, new int[] {i}).sum().backward();
        }
        return logits.grad().toArray();
    }

    /** e^z overflows a double above z ≈ 709.78; p = e^(z_i − m) / Σ_j e^(z_j − m) with m = max z is the same p without it. */
    void logSumExp(float[] z) {
        ExplainCommand.section(out, "10. Log-sum-exp: why the max is subtracted before exponentiating");
        double shift = 1000;
        double[] naive = new double[z.length], stable = new double[z.length];
        double sumNaive = 0, sumStable = 0, max = Double.NEGATIVE_INFINITY;
        for (float x : z) max = Math.max(max, x + shift);
        for (int i = 0; i < z.length; i++) {
            sumNaive += naive[i] = Math.exp(z[i] + shift);
            sumStable += stable[i] = Math.exp(z[i] + shift - max);
        }
        out.printf(Locale.ROOT, "the logits + %.0f give the same softmax (it only sees differences), but in doubles:%n", shift);
        Table t = new Table("word", "z + 1000", "e^z naive", "p naive", "e^(z − max)", "p with the max subtracted");
        for (int i = 0; i < z.length; i++) {
            t.row(label[i], z[i] + shift, String.valueOf(naive[i]), String.valueOf(naive[i] / sumNaive), stable[i], stable[i] / sumStable);
        }
        t.print(out);
        out.printf(Locale.ROOT, "naive: Σ e^z = %s, so p = Infinity / Infinity = NaN; subtracting the max, every term is in (0, 1]%n",
                sumNaive);
        out.println("and the sum is at least 1. The loss is then lse − z_y with lse = max + ln Σ e^(z − max): no overflow, no ln 0.");
    }

    /**
     * The gradient reaching the target's logit when p_y is small: cross-entropy gives p_y − 1 (near −1), squared
     * error on p, L = Σ_i (p_i − y_i)², gives Σ_i 2(p_i − y_i)·p_i·([i = y] − p_y), which carries a factor p_y and
     * vanishes. The other classes share 1 − p_y equally.
     */
    void squaredError(int v) {
        ExplainCommand.section(out, "11. Why cross-entropy and not squared error: the gradient when the model is wrong");
        Table t = new Table("p(" + label[target] + ")", "cross-entropy ∂L/∂z_y", "squared error ∂L/∂z_y", "squared error, finite difference");
        for (double py : new double[] {0.9, 0.5, 0.1, 0.01, 0.001}) {
            double[] z = logitsWith(py, v);
            double h = 1e-5;
            double[] up = z.clone(), down = z.clone();
            up[target] += h;
            down[target] -= h;
            double numeric = (squaredError(up) - squaredError(down)) / (2 * h);
            t.row(String.valueOf(py), py - 1, sci(squaredErrorGradient(z)), sci(numeric));
        }
        t.print(out);
        out.println("as the truth's probability goes to 0, cross-entropy's push stays near −1 while squared error's vanishes:");
        out.println("a confidently wrong model gets the strongest correction from cross-entropy and almost none from squared error.");
    }

    private static String sci(double x) {
        return String.format(Locale.ROOT, "%.4e", x);
    }

    /** Logits whose softmax gives the target py and the other v − 1 classes (1 − py)/(v − 1) each. */
    private double[] logitsWith(double py, int v) {
        double[] z = new double[v];
        for (int i = 0; i < v; i++) z[i] = i == target ? Math.log(py) : Math.log((1 - py) / (v - 1));
        return z;
    }

    private static double[] softmax(double[] z) {
        return ExplainCommand.exp(ExplainCommand.logSoftmax(z));
    }

    private double squaredError(double[] z) {
        double[] p = softmax(z);
        double l = 0;
        for (int i = 0; i < p.length; i++) l += (p[i] - (i == target ? 1 : 0)) * (p[i] - (i == target ? 1 : 0));
        return l;
    }

    private double squaredErrorGradient(double[] z) {
        double[] p = softmax(z);
        double g = 0;
        for (int i = 0; i < p.length; i++) g += 2 * (p[i] - (i == target ? 1 : 0)) * p[i] * ((i == target ? 1 : 0) - p[target]);
        return g;
    }
}
