package dev.minitape.examples;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.GradCheck;
import dev.minitape.core.Info;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code minitape explain}: backprop through softmax and cross-entropy on one small example, every
 * number shown and checked three ways (the tape, the formula, finite differences).
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Walk through softmax, cross-entropy and its gradient on a small example, number by number. "
                + "Default: three next-word candidates (dog, cat, ball) with p = (0.2, 0.5, 0.3); the true word is cat.")
final class ExplainCommand implements Callable<Integer> {
    @Mixin KernelOption kernels;

    @Option(names = "--logits", split = ",", description = "The model's scores, comma-separated (default: ln 0.2, ln 0.5, ln 0.3).")
    float[] logits;
    @Option(names = "--names", split = ",", description = "A name per class (default: dog,cat,ball or c0,c1,...).")
    String[] names;
    @Option(names = "--target", defaultValue = "1", description = "The true class's index (1 is cat).")
    int target;
    @Option(names = "--label-smoothing", defaultValue = "0.1", description = "ε for the label smoothing section.")
    double smoothing;
    @Option(names = "--weights", split = ",", description = "Class weights for the weights section (default: 1,2,0.5 for three classes).")
    float[] weights;
    @Option(names = "--lr", defaultValue = "1.0", description = "Step size of the gradient-descent step.")
    double lr;
    @Option(names = "--dot", paramLabel = "FILE", description = "Write the recorded graph as Graphviz DOT.")
    Path dot;
    @Option(names = "--trace", description = "Print each backward step as the tape replays it.")
    boolean trace;

    private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    @Override
    public Integer call() throws Exception {
        float[] z = logits != null ? logits : new float[] {(float) Math.log(0.2), (float) Math.log(0.5), (float) Math.log(0.3)};
        int v = z.length;
        if (v < 2) throw new IllegalArgumentException("--logits needs at least two classes, got " + v);
        for (float x : z) if (!Float.isFinite(x)) throw new IllegalArgumentException("--logits must be finite numbers, got " + x);
        String[] label = names != null ? names : v == 3 ? new String[] {"dog", "cat", "ball"} : defaultNames(v);
        if (label.length != v) throw new IllegalArgumentException("--names gives " + label.length + " names for " + v + " classes");
        if (target < 0 || target >= v) throw new IllegalArgumentException("--target " + target + " is not a class index 0.." + (v - 1));
        if (!(smoothing >= 0 && smoothing <= 1)) throw new IllegalArgumentException("--label-smoothing must be in [0, 1], got " + smoothing);
        float[] w = weights != null ? weights : v == 3 ? new float[] {1f, 2f, 0.5f} : ones(v);
        if (w.length != v) throw new IllegalArgumentException("--weights gives " + w.length + " weights for " + v + " classes");
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be a positive finite number, got " + lr);

        double[] logp = logSoftmax(z), p = exp(logp);
        prediction(z, p, logp, label);
        loss(z, p, logp, label);
        gradient(z, p, label);
        step(z, label);
        smoothing(z, logp, label);
        ExplainWeights weighted = new ExplainWeights(out, label, target, w);
        weighted.weights(z);
        decomposition(logp, label);
        weighted.argmaxFlip(smoothing);
        ExplainDeeper deeper = new ExplainDeeper(out, label, target);
        deeper.jacobian(z, p);
        deeper.logSumExp(z);
        deeper.squaredError(v);
        return 0;
    }

    private void section(String title) {
        section(out, title);
    }

    static void section(PrintStream out, String title) {
        out.println();
        out.println(title);
        out.println("=".repeat(title.length()));
    }

    /** Softmax turns scores into probabilities; each word's surprise is −log p. */
    private void prediction(float[] z, double[] p, double[] logp, String[] label) {
        section("1. The prediction: p = softmax(z), p_i = e^(z_i) / Σ_j e^(z_j)");
        Table t = new Table("word", "logit z", "p", "−ln p (nats)", "−log₂ p (bits)");
        for (int i = 0; i < z.length; i++) {
            // −ln p_i = lse − z_i: exact even where p_i rounds to 0
            t.row(label[i] + (i == target ? " (true)" : ""), (double) z[i], probability(logp[i]), 0.0 - logp[i], (0.0 - logp[i]) / Math.log(2));
        }
        t.print(out);
        out.printf(Locale.ROOT, "entropy of the prediction H(p) = −Σ p ln p = %.4f nats = %.4f bits%n",
                Info.entropy(p), Info.entropy(p, Info.Unit.BITS));
        out.printf(Locale.ROOT, "(a fair coin has %.4f bit; a certain event %.4f)%n",
                Info.entropy(new double[] {0.5, 0.5}, Info.Unit.BITS), Info.entropy(new double[] {1, 0}, Info.Unit.BITS));
    }

    /**
     * Cross-entropy against a one-hot target is the surprise of the true word, computed as lse − z_y (what the
     * fused loss computes): −ln of a rounded p would lose every digit once p underflows.
     */
    private void loss(float[] z, double[] p, double[] logp, String[] label) {
        section("2. The loss: cross-entropy with the one-hot target = −ln p(" + label[target] + ")");
        double lse = z[target] - logp[target];
        out.printf(Locale.ROOT, "loss = −ln p(%s) = ln Σ_j e^(z_j) − z_%s = %s − %s = %.4f nats   (p(%s) = %s)%n",
                label[target], label[target], term(lse), term(z[target]), -logp[target], label[target], probability(logp[target]));
        // a more confident prediction of the truth: halfway from p to 1 (0.8 when p is below it)
        double better = p[target] < 0.8 ? 0.8 : (1 + p[target]) / 2;
        if (better < 1) {
            out.printf(Locale.ROOT, "were p(%s) %s instead, the loss would be −ln %s = %.4f: more confidence in the truth, less loss%n",
                    label[target], digits4(better), digits4(better), -Math.log(better));
        }
    }

    /**
     * The gradient by both paths on the tape, beside the formula and finite differences: the unfused composition a
     * learner writes by hand, and the fused CrossEntropy (one op, its gradient from the formula) that training uses.
     */
    private void gradient(float[] z, double[] p, String[] label) throws Exception {
        section("3. The gradient: ∂loss/∂z_i = p_i − [i = target]");
        out.println("two paths to the same loss, each recorded on the tape:");
        out.println("  unfused: logSoftmax → gather → mulScalar(−1) → sum, four ops: the loss as you would write it by hand");
        out.println("  fused:   CrossEntropy, one op whose kernel computes the loss and p − onehot in one pass: what training uses");
        float[] unfused = unfusedGradient(z);
        CrossEntropy ce = CrossEntropy.builder().build();
        float[][] lossAndFused = lossAndGrad(ce, z, target);
        float loss = lossAndFused[0][0];
        float[] fused = lossAndFused[1];
        GradCheck.Report numeric = GradCheck.check(in -> ce.apply(in[0], new int[] {target}), Tensor.of(z, 1, z.length).requiresGrad(true));
        Table t = new Table("word", "unfused (tape)", "fused CrossEntropy (tape)", "p − onehot", "finite difference of CrossEntropy");
        double apart = 0;
        for (int i = 0; i < z.length; i++) {
            t.row(label[i], (double) unfused[i], (double) fused[i], p[i] - (i == target ? 1 : 0), numeric.numeric()[0][i]);
            apart = Math.max(apart, Math.abs(unfused[i] - fused[i]));
        }
        t.print(out);
        out.printf(Locale.ROOT, "largest |unfused − fused|: %s; largest |fused − finite difference|: %.1e%n",
                difference(apart), numeric.maxAbsError());
        if (Math.ulp(loss) > GradCheck.DEFAULT_STEP) {
            // L ± h·∂L/∂z_i rounds back to L once the float spacing of L passes h: the quotient reads 0
            out.printf(Locale.ROOT, "finite differences cannot see this gradient: the loss %.4g is a float whose neighbours are %.2g away, "
                    + "so a step of %s in a logit leaves it unchanged; the tape's gradients need no step.%n",
                    loss, Math.ulp(loss), GradCheck.DEFAULT_STEP);
        }
        out.println("read the fused kernel as its formula in core/kernels/reference/ReferenceCrossEntropy.java, then the fast CrossEntropyKernel.");
    }

    /** The unfused composition's gradient from the tape, printing what it recorded (and, asked, each backward step). */
    private float[] unfusedGradient(float[] z) throws Exception {
        Tensor logits = Tensor.of(z, 1, z.length).requiresGrad(true);
        try (Tape tape = Tape.start()) {
            Tensor loss = logits.logSoftmax(-1).gather(1, new int[] {target}).neg().sum();
            if (trace) {
                out.println("backward through the unfused path, step by step (the tape replays its ops in reverse):");
                tape.onReplay((i, op, o, dy, inputs) -> {
                    int from = tape.indexOf(inputs.get(0));
                    out.printf(Locale.ROOT, "  #%d %-15s dy = %s  →  gradient of %s = %s%n", i, op, fmt(dy),
                            from < 0 ? "z" : "#" + from, fmt(inputs.get(0).grad().toArray()));
                });
            }
            loss.backward();
            if (dot != null) {
                Files.writeString(dot, tape.toDot());
                out.println("wrote the unfused graph to " + dot + " (render with: dot -Tpng " + dot + " -o graph.png)");
            }
            out.println("what the tape recorded for the unfused path (x.neg() is mulScalar with c = −1):");
            tape.describe().lines().forEach(line -> out.println("  " + line));
        }
        return logits.grad().toArray();
    }

    /** One gradient-descent step lowers the loss. */
    private void step(float[] z, String[] label) {
        section(String.format(Locale.ROOT, "4. One gradient-descent step: z ← z − %.3g·(p − onehot)", lr));
        double[] logp = logSoftmax(z), p = exp(logp);
        float[] next = new float[z.length];
        for (int i = 0; i < z.length; i++) next[i] = (float) (z[i] - lr * (p[i] - (i == target ? 1 : 0)));
        double[] logq = logSoftmax(next), q = exp(logq);
        Table t = new Table("word", "z before", "z after", "p before", "p after");
        for (int i = 0; i < z.length; i++) t.row(label[i], (double) z[i], (double) next[i], p[i], q[i]);
        t.print(out);
        out.printf(Locale.ROOT, "loss %.4f → %.4f%n", -logp[target], -logq[target]);
    }

    /** Label smoothing: a softer target, a gradient that stops pushing at the smoothed distribution. */
    private void smoothing(float[] z, double[] logp, String[] label) {
        double[] p = exp(logp);
        int v = z.length;
        double eps = smoothing;
        section(String.format(Locale.ROOT, "5. Label smoothing ε = %.3g: target q = (1 − ε)·onehot + ε/V", eps));
        double[] q = new double[v];
        for (int i = 0; i < v; i++) q[i] = (1 - eps) * (i == target ? 1 : 0) + eps / v;
        CrossEntropy ce = CrossEntropy.builder().labelSmoothing(eps).build();
        float[][] lg = lossAndGrad(ce, z, target);
        Table t = new Table("word", "q (smoothed target)", "p", "gradient (tape)", "p − q");
        for (int i = 0; i < v; i++) t.row(label[i], q[i], p[i], (double) lg[1][i], p[i] - q[i]);
        t.print(out);
        out.printf(Locale.ROOT, "loss = −Σ q ln p = %.4f nats (the tape: %.4f)%n", crossEntropy(q, logp), lg[0][0]);
        out.printf(Locale.ROOT, "the gradient is zero, and the loss smallest, at p = q: the minimum is H(q) = %.4f nats%n", Info.entropy(q));
    }

    /** H(q, p) = H(q) + D(q‖p) on the smoothed target q and the prediction p. */
    private void decomposition(double[] logp, String[] label) {
        double[] p = exp(logp);
        int v = p.length;
        double[] q = new double[v];
        for (int i = 0; i < v; i++) q[i] = (1 - smoothing) * (i == target ? 1 : 0) + smoothing / v;
        section("7. Cross-entropy = entropy + KL divergence: H(q, p) = H(q) + D(q‖p)");
        double h = Info.entropy(q), hqp = crossEntropy(q, logp), d = hqp - h;     // D(q‖p) = H(q, p) − H(q)
        out.printf(Locale.ROOT, "with q the smoothed target and p the prediction: %.4f = %.4f + %.4f nats%n", hqp, h, d);
        out.println("H(q) is what no model can remove; training can only shrink D(q‖p), which is 0 exactly when p = q.");
        out.printf(Locale.ROOT, "and H(p, q) = %.4f ≠ H(q, p): cross-entropy is not symmetric.%n", Info.crossEntropy(p, q));
    }

    /** The loss under {@code ce} of rows z (one per target) and its gradient, from the tape. */
    static float[][] lossAndGrad(CrossEntropy ce, float[] z, int... targets) {
        Tensor logits = Tensor.of(z, targets.length, z.length / targets.length).requiresGrad(true);
        float loss;
        try (Tape tape = Tape.start()) {
            Tensor l = ce.apply(logits, targets);
            loss = l.item();
            l.backward();
        }
        return new float[][] {{loss}, logits.grad().toArray()};
    }

    private static double[] logSoftmax(float[] z) {
        return logSoftmax(wide(z));
    }

    /** ln p_i = z_i − lse: finite even where p_i rounds to 0. */
    static double[] logSoftmax(double[] z) {
        double lse = logSumExp(z);
        double[] logp = new double[z.length];
        for (int i = 0; i < z.length; i++) logp[i] = z[i] - lse;
        return logp;
    }

    /** lse = ln Σ_j e^(z_j) = m + ln Σ_j e^(z_j − m) with m the max: no overflow, no log of 0. */
    static double logSumExp(double[] z) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double x : z) max = Math.max(max, x);
        for (double x : z) sum += Math.exp(x - max);
        return max + Math.log(sum);
    }

    static double[] wide(float[] z) {
        double[] wide = new double[z.length];
        for (int i = 0; i < z.length; i++) wide[i] = z[i];
        return wide;
    }

    /** H(q, p) = −Σ q_i·ln p_i from ln p, so a p that rounds to 0 still gives its finite term. */
    private static double crossEntropy(double[] q, double[] logp) {
        double h = 0;
        for (int i = 0; i < q.length; i++) if (q[i] > 0) h -= q[i] * logp[i];
        return h;
    }

    static double[] exp(double[] x) {
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) e[i] = Math.exp(x[i]);
        return e;
    }

    /**
     * p = e^(ln p) to 4 decimals, or below 0.0001 in scientific notation from ln p itself, so a probability
     * a double cannot hold (e^−1000 = 5.076e-435) still shows: p = m·10^k with k = ⌊ln p / ln 10⌋.
     */
    static String probability(double logp) {
        if (logp >= Math.log(1e-4)) return String.format(Locale.ROOT, "%.4f", Math.exp(logp));
        double log10 = logp / Math.log(10);
        // past 10^−1e9 the exponent's digits use up a double's and m's would be noise: show ln p itself
        if (log10 < -1e9) return String.format(Locale.ROOT, "e^(%.4g)", logp);
        double k = Math.floor(log10), m = Math.pow(10, log10 - k);
        if (m >= 9.9995) {                                            // rounds up to 10.000: carry into the exponent
            m /= 10;
            k += 1;
        }
        return String.format(Locale.ROOT, "%.3fe%d", m, (long) k);
    }

    /** x to 4 decimals as a term of a difference: a rounding's −0.0000 shows as 0.0000, a negative in parentheses. */
    private static String term(double x) {
        String s = String.format(Locale.ROOT, "%.4f", x);
        return s.equals("-0.0000") ? "0.0000" : x < 0 ? "(" + s + ")" : s;
    }

    /** A difference between two float computations: "below 1e-6" (its digits depend on the kernel tier), else d. */
    static String difference(double d) {
        return d < 1e-6 ? "below 1e-6" : String.format(Locale.ROOT, "%.1e", d);
    }

    /** x to 4 significant digits without trailing zeros: 28, 0.1, 1.667. */
    static String digits4(double x) {
        return new java.math.BigDecimal(x).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String[] defaultNames(int v) {
        String[] n = new String[v];
        for (int i = 0; i < v; i++) n[i] = "c" + i;
        return n;
    }

    private static float[] ones(int v) {
        float[] w = new float[v];
        Arrays.fill(w, 1f);
        return w;
    }

    private static String fmt(float[] x) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < x.length; i++) sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.4f", x[i]));
        return sb.append(']').toString();
    }
}
