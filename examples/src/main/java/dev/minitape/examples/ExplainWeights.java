package dev.minitape.examples;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Reduction;
import dev.minitape.core.Tensor;
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

    /** Class weights scale a position's loss and gradient by w_y, and the mean divides by Σ w_y. */
    void weights(float[] z, double[] logp) {
        double[] p = ExplainCommand.exp(logp);
        ExplainCommand.section(out, "6. Class weights: loss_n = w_y·(−ln p_y); the mean divides by Σ_n w_(y_n)");
        CrossEntropy weighted = CrossEntropy.builder().classWeights(w).reduction(Reduction.SUM).build();
        float[][] lg = ExplainCommand.lossAndGrad(weighted, z, target);
        out.printf(Locale.ROOT, "one position, reduction SUM: the weight of %s is %s, so loss %.4f = %s × %.4f, and every entry "
                + "of the gradient is scaled by that one w_y (not by each class's own weight):%n",
                label[target], ExplainCommand.digits4(w[target]), lg[0][0], ExplainCommand.digits4(w[target]), -logp[target]);
        Table t = new Table("word", "gradient (tape)", "w_y·(p − onehot)");
        for (int i = 0; i < z.length; i++) t.row(label[i], (double) lg[1][i], w[target] * (p[i] - (i == target ? 1 : 0)));
        t.print(out);
        // A batch of two positions: the true word, and the next class. The weighted mean divides by Σ w_y.
        int other = (target + 1) % z.length;
        float[] two = new float[2 * z.length];
        System.arraycopy(z, 0, two, 0, z.length);
        System.arraycopy(z, 0, two, z.length, z.length);
        float mean = CrossEntropy.builder().classWeights(w).build().apply(Tensor.of(two, 2, z.length), new int[] {target, other}).item();
        double num = w[target] * -logp[target] + w[other] * -logp[other];
        out.printf(Locale.ROOT, "a batch of two positions, targets %s and %s: mean = (%.4f + %.4f) / (%.4g + %.4g) = %.4f (minitape: %.4f)%n",
                label[target], label[other], w[target] * -logp[target], w[other] * -logp[other], w[target], w[other],
                num / (w[target] + w[other]), mean);
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
