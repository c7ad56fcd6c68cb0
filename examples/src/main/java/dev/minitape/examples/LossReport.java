package dev.minitape.examples;

import dev.minitape.lm.train.ArgmaxFlip;
import dev.minitape.lm.train.ClassWeights;
import dev.minitape.lm.train.LossOptions;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/** What a training command says about its loss: the class weights in one line, and the argmax-flip warning. */
final class LossReport {
    private static final int SHOWN = 3;         // tokens named at each end of the weights' range

    private LossReport() {}

    /**
     * Prints the weights' line to {@code out} and, when smoothing and weights can flip the argmax, the warning to
     * {@code err}; nothing without class weights.
     *
     * @param countedFrom what balanced and effective weights were counted from, e.g. "from 9,000 training tokens"
     */
    static void print(PrintStream out, PrintStream err, LossOptions loss, String countedFrom, IntFunction<String> tokenText) {
        ClassWeights w = loss.classWeights();
        if (w == null) return;
        out.println(weightsLine(w, countedFrom, tokenText));
        flipWarning(w.weights(), loss.labelSmoothing(), tokenText).ifPresent(err::println);
    }

    /** "class weights: balanced from N training tokens, range 0.12–8.4; most up-weighted 'z' 8.4, ...; most down-weighted ..." */
    static String weightsLine(ClassWeights w, String countedFrom, IntFunction<String> tokenText) {
        float[] weights = w.weights();
        // ties in id order at both ends, as ArgmaxFlip picks its pair
        List<Integer> up = IntStream.range(0, weights.length).boxed()
                .sorted(Comparator.comparingDouble((Integer c) -> -weights[c]).thenComparing(c -> c)).toList();
        List<Integer> down = IntStream.range(0, weights.length).boxed()
                .sorted(Comparator.comparingDouble((Integer c) -> weights[c]).thenComparing(c -> c)).toList();
        boolean counted = w.method().equals("balanced") || w.method().startsWith("effective:");
        return "class weights: " + w.method() + (counted ? " " + countedFrom : "")
                + ", range " + num(weights[down.get(0)]) + "–" + num(weights[up.get(0)])
                + "; most up-weighted " + tokens(up, weights, tokenText) + "; most down-weighted " + tokens(down, weights, tokenText);
    }

    /** The first few of {@code ids}, each as 'text' weight. */
    private static String tokens(List<Integer> ids, float[] weights, IntFunction<String> tokenText) {
        StringBuilder sb = new StringBuilder();
        for (int c : ids.subList(0, Math.min(SHOWN, ids.size()))) {
            sb.append(sb.length() == 0 ? "" : ", ").append(token(tokenText, c)).append(' ').append(num(weights[c]));
        }
        return sb.toString();
    }

    /** The warning's one line, when {@link ArgmaxFlip#risk} finds a pair. */
    static Optional<String> flipWarning(float[] weights, double epsilon, IntFunction<String> tokenText) {
        return ArgmaxFlip.risk(weights, epsilon).map(f -> "warning: with label smoothing " + num(epsilon)
                + " and these class weights the loss can flip the argmax: where the target is " + token(tokenText, f.light())
                + " (weight " + num(weights[f.light()]) + ") its minimum puts more probability on " + token(tokenText, f.heavy())
                + " (weight " + num(weights[f.heavy()]) + "), as the weights' ratio " + num(f.ratio()) + " > 1 + V·(1 − ε)/ε = "
                + num(f.threshold()) + " (V = " + weights.length + "; PyTorch's weighted smoothing, pytorch issue 104776)");
    }

    /** Three significant digits, no trailing zeros. */
    static String num(double x) {
        if (Double.isInfinite(x)) return "∞";
        return new BigDecimal(x).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String token(IntFunction<String> tokenText, int id) {
        return "'" + tokenText.apply(id).replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "'";
    }
}
