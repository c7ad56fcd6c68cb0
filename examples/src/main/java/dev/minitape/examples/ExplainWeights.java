package dev.minitape.examples;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Reduction;
import dev.minitape.lm.train.ArgmaxFlip;
import java.io.PrintStream;
import java.util.Locale;

/**
 * explain's class-weight sections: how the target's weight w_y scales a row's loss and gradient (§6), and when
 * smoothing with weights moves the best prediction off the target (§8).
 */
final class ExplainWeights {
    private final PrintStream out;
    private final String[] label;
    private final int target;
    private final float[] w;

    ExplainWeights(PrintStream out, String[] label, int target, float[] w) {
        this.out = out;
        this.label = label;
        this.target = target;
        this.w = w;
    }

    /**
     * Class weights on a batch of two rows with the example's logits, one with the target and one with the next
     * class: row n's loss is w_(y_n)·(lse − z_(y_n)); SUM adds the rows, MEAN divides that sum by Σ_n w_(y_n).
     * A row's gradient is w_y·(p − onehot): every entry scaled by the one weight of that row's target.
     */
    void weights(float[] z) {
        int v = z.length;
        int[] targets = {target, (target + 1) % v};
        ExplainCommand.section(out, "6. Class weights: row n's loss is w_(y_n)·(−ln p_(y_n)); MEAN divides the sum by Σ_n w_(y_n)");
        StringBuilder weights = new StringBuilder();
        for (int c = 0; c < v; c++) weights.append(c > 0 ? ", " : "").append(label[c]).append(' ').append(ExplainCommand.digits4(w[c]));
        out.printf(Locale.ROOT, "weights %s; a batch of two rows (with one, MEAN gives −ln p_y back), both with the example's logits,%n"
                + "the targets %s and %s:%n",
                weights, label[targets[0]], label[targets[1]]);
        double[] wide = ExplainCommand.wide(z);
        double lse = ExplainCommand.logSumExp(wide), sum = 0, total = 0;
        Table t = new Table("row", "target", "w_y", "−ln p_y = lse − z_y", "w_y·(lse − z_y)");
        for (int n = 0; n < targets.length; n++) {
            int y = targets[n];
            sum += w[y] * (lse - z[y]);
            total += w[y];
            t.row(String.valueOf(n + 1), label[y], ExplainCommand.digits4(w[y]), lse - z[y], w[y] * (lse - z[y]));
        }
        t.print(out);
        float[] batch = new float[targets.length * v];
        for (int n = 0; n < targets.length; n++) System.arraycopy(z, 0, batch, n * v, v);
        float[][] bySum = ExplainCommand.lossAndGrad(weighted(Reduction.SUM), batch, targets);
        float[][] byMean = ExplainCommand.lossAndGrad(weighted(Reduction.MEAN), batch, targets);
        // with no weight to divide by, CrossEntropy's MEAN is 0 with a zero gradient (PyTorch's is NaN)
        String zeroSum = total > 0 ? "" : " (0 / 0: CrossEntropy gives 0 by convention, PyTorch NaN)";
        out.printf(Locale.ROOT, "Reduction.SUM:  Σ_n w_y·(lse − z_y) = %.4f   (CrossEntropy with Reduction.SUM: %.4f)%n", sum, bySum[0][0]);
        out.printf(Locale.ROOT, "Reduction.MEAN: Σ_n w_y·(lse − z_y) / Σ_n w_y = %.4f / %s = %.4f   (CrossEntropy with Reduction.MEAN: %.4f)%s%n",
                sum, ExplainCommand.digits4(total), total > 0 ? sum / total : 0, byMean[0][0], zeroSum);
        double[] p = ExplainCommand.exp(ExplainCommand.logSoftmax(wide));
        double wy = w[target], scale = total > 0 ? wy / total : 0;
        out.printf(Locale.ROOT, "row 1's gradient is w_y·(p − onehot): every entry is scaled by the same w_y = w_%s = %s, the weight of%n",
                label[target], ExplainCommand.digits4(wy));
        out.printf(Locale.ROOT, "the row's target, not by each class's own weight; MEAN also divides it by Σ_n w_y = %s%s:%n",
                ExplainCommand.digits4(total), zeroSum);
        Table g = new Table("word", "p − onehot", "w_y·(p − onehot)", "SUM (tape)", "w_y·(p − onehot) / Σ_n w_y", "MEAN (tape)");
        for (int i = 0; i < v; i++) {
            double d = p[i] - (i == target ? 1 : 0);
            g.row(label[i], d, wy * d, (double) bySum[1][i], scale * d, (double) byMean[1][i]);
        }
        g.print(out);
    }

    private CrossEntropy weighted(Reduction reduction) {
        return CrossEntropy.builder().classWeights(w).reduction(reduction).build();
    }

    /**
     * Smoothing with class weights (PyTorch's semantics) weights every class's share of the target:
     * a_c = w_c·((1 − ε)·[c = y] + ε/V). The loss Σ_c a_c·(−ln p_c) is smallest at p = a / Σ a, so a class c
     * outweighs the target there when w_c·ε/V > w_y·(1 − ε + ε/V), i.e. w_c / w_y > 1 + V·(1 − ε)/ε.
     */
    void argmaxFlip(double eps) {
        int v = w.length;
        ExplainCommand.section(out, "8. Smoothing with class weights: can the best prediction stop being the target?");
        if (eps == 0) {
            out.println("with ε = 0 the target gets all the mass, whatever the weights: no flip. Try --label-smoothing 0.1.");
            return;
        }
        double threshold = ArgmaxFlip.threshold(v, eps);
        out.printf(Locale.ROOT, "the weighted smoothed target a_c = w_c·((1 − ε)·[c = %s] + ε/V); the loss is smallest at p = a / Σ a,%n",
                label[target]);
        out.printf(Locale.ROOT, "so a class c beats the target there when w_c / w_%s > 1 + V·(1 − ε)/ε = %s (ε = %s, V = %d)%n",
                label[target], ExplainCommand.digits4(threshold), ExplainCommand.digits4(eps), v);
        optimum("your weights", w, eps);
        // the same weights but one other class heavier than the threshold allows
        int heavy = (target + 1) % v;
        float[] flipped = w.clone();
        flipped[heavy] = (float) (1.5 * threshold * w[target]);
        optimum("w_" + label[heavy] + " = 1.5 × " + ExplainCommand.digits4(threshold) + " × w_" + label[target], flipped, eps);
        out.println("(PyTorch's cross_entropy with weight and label_smoothing has the same minimum: pytorch issue 104776)");
    }

    /** The minimizing prediction p = a / Σ a for these weights and ε, checked by the tape: the gradient there is 0. */
    private void optimum(String title, float[] weights, double eps) {
        int v = weights.length;
        double[] a = new double[v];
        double total = 0;
        for (int c = 0; c < v; c++) total += a[c] = weights[c] * ((1 - eps) * (c == target ? 1 : 0) + eps / v);
        float[] best = new float[v];
        int argmax = 0;
        for (int c = 0; c < v; c++) {
            best[c] = (float) Math.log(a[c] / total);
            if (a[c] > a[argmax]) argmax = c;
        }
        CrossEntropy ce = CrossEntropy.builder().labelSmoothing(eps).classWeights(weights).build();
        float[] grad = ExplainCommand.lossAndGrad(ce, best, target)[1];
        double largest = 0;
        for (float g : grad) largest = Math.max(largest, Math.abs(g));
        out.println(title + ":");
        Table t = new Table("word", "weight", "a_c", "best p = a / Σ a");
        for (int c = 0; c < v; c++) t.row(label[c] + (c == target ? " (true)" : ""), (double) weights[c], a[c], a[c] / total);
        t.print(out);
        out.printf(Locale.ROOT, "the best prediction's argmax is %s%s; the tape's gradient there: largest |entry| %.6f%n",
                label[argmax], argmax == target ? " (the target)" : " (NOT the target: the weights flipped it)", largest);
    }
}
