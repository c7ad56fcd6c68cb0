package dev.minitape.nn.optim;

import dev.minitape.nn.Parameter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Named parameters that share a learning rate and a weight decay, as in a PyTorch param group. Names are
 * the parameters' dotted paths ({@code Module.namedParameters()}); optimizer state is keyed by them.
 *
 * <p>A group may leave its lr or its weight decay unset (NaN): the optimizer that adopts it fills in its own
 * default, as PyTorch does with missing group options. An optimizer works on its own copies of the groups
 * it is given ({@link Optimizer#groups()}); changing their lr there is how one group gets a different lr
 * from the others after construction.
 *
 * <p>A parameter that appears under two names (tied weights) is kept once, under its first name, as PyTorch's
 * {@code named_parameters()} does, so it is neither updated nor counted twice.
 */
public final class ParamGroup {
    private final Map<String, Parameter> params;
    private final double weightDecay;
    private double lr;

    private ParamGroup(Map<String, Parameter> params, double lr, double weightDecay) {
        this.params = params;
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /** A group of {@code named} (in their order) that takes the optimizer's lr and weight decay. */
    public static ParamGroup of(Map<String, Parameter> named) {
        Map<String, Parameter> kept = new LinkedHashMap<>();
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        named.forEach((name, p) -> {
            if (name == null || p == null) {
                throw new IllegalArgumentException("ParamGroup: null name or parameter (name " + name + ")");
            }
            if (seen.add(p)) kept.put(name, p);
        });
        return new ParamGroup(Collections.unmodifiableMap(kept), Double.NaN, Double.NaN);
    }

    /** This group with its own learning rate (NaN: the optimizer's). */
    public ParamGroup withLr(double lr) {
        checkLr("ParamGroup.withLr", lr, true);
        return new ParamGroup(params, lr, weightDecay);
    }

    /** This group with its own weight decay (NaN: the optimizer's). */
    public ParamGroup withWeightDecay(double weightDecay) {
        checkWeightDecay("ParamGroup.withWeightDecay", weightDecay, true);
        return new ParamGroup(params, lr, weightDecay);
    }

    /** The parameters by name, in order (unmodifiable). */
    public Map<String, Parameter> params() {
        return params;
    }

    /** The learning rate; NaN if the group takes its optimizer's and no optimizer has adopted it. */
    public double lr() {
        return lr;
    }

    /** Sets this group's learning rate (an optimizer's own groups: {@link Optimizer#groups()}). */
    public void setLr(double lr) {
        checkLr("ParamGroup.setLr", lr, false);
        this.lr = lr;
    }

    /** The weight decay; NaN if the group takes its optimizer's and no optimizer has adopted it. */
    public double weightDecay() {
        return weightDecay;
    }

    /** A copy with unset options filled from the optimizer's defaults; {@code who} names it in errors. */
    ParamGroup resolve(String who, int index, double defaultLr, double defaultWeightDecay) {
        double l = Double.isNaN(lr) ? defaultLr : lr;
        double wd = Double.isNaN(weightDecay) ? defaultWeightDecay : weightDecay;
        checkLr(who + ": group " + index, l, false);
        checkWeightDecay(who + ": group " + index, wd, false);
        return new ParamGroup(params, l, wd);
    }

    // ---- the GPT split ---------------------------------------------------------------------------------

    /**
     * The usual GPT split (nanoGPT's {@code configure_optimizers}): {@code [decay, noDecay]}, where decay
     * holds every parameter of rank ≥ 2 (matrices, and embedding tables too) with {@code weightDecay}, and
     * noDecay holds those of rank ≤ 1 (biases, LayerNorm gains and shifts) with weight decay 0. Both take
     * the optimizer's lr; either may be empty.
     */
    public static List<ParamGroup> decayAndNoDecay(Map<String, Parameter> named, double weightDecay) {
        return decayAndNoDecay(named, weightDecay, true, ParamGroup::looksLikeEmbedding);
    }

    /**
     * {@link #decayAndNoDecay(Map, double)}, but with {@code decayEmbeddings} false the embedding tables go to
     * the noDecay group (the older GPT-2 recipe). Embeddings are recognized by name with
     * {@link #looksLikeEmbedding(String)}; pass your own test to the four-argument form if your model names
     * them differently.
     */
    public static List<ParamGroup> decayAndNoDecay(Map<String, Parameter> named, double weightDecay, boolean decayEmbeddings) {
        return decayAndNoDecay(named, weightDecay, decayEmbeddings, ParamGroup::looksLikeEmbedding);
    }

    /**
     * The split with the caller's test for embedding names: a parameter is decayed when its rank is ≥ 2 and
     * either {@code decayEmbeddings} is true or {@code isEmbedding} rejects its name.
     */
    public static List<ParamGroup> decayAndNoDecay(Map<String, Parameter> named, double weightDecay,
                                                   boolean decayEmbeddings, Predicate<String> isEmbedding) {
        checkWeightDecay("ParamGroup.decayAndNoDecay", weightDecay, false);
        Map<String, Parameter> decay = new LinkedHashMap<>(), noDecay = new LinkedHashMap<>();
        ParamGroup.of(named).params().forEach((name, p) -> {
            boolean decayed = p.dim() >= 2 && (decayEmbeddings || !isEmbedding.test(name));
            (decayed ? decay : noDecay).put(name, p);
        });
        return List.of(ParamGroup.of(decay).withWeightDecay(weightDecay), ParamGroup.of(noDecay).withWeightDecay(0));
    }

    /**
     * True when a module on the parameter's dotted path (any segment but the last) contains "emb" in any case,
     * or is GPT-2's "wte" or "wpe": {@code tokEmb.weight}, {@code transformer.wte.weight},
     * {@code embedding.weight}.
     */
    public static boolean looksLikeEmbedding(String name) {
        String[] segments = name.split("\\.");
        for (int i = 0; i < segments.length - 1; i++) {
            String s = segments[i].toLowerCase(Locale.ROOT);
            if (s.contains("emb") || s.equals("wte") || s.equals("wpe")) return true;
        }
        return false;
    }

    // ---- validation --------------------------------------------------------------------------------------

    static void checkLr(String who, double lr, boolean nanAllowed) {
        if (nanAllowed && Double.isNaN(lr)) return;
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(who + ": lr must be finite and >= 0, got " + lr);
        }
    }

    static void checkWeightDecay(String who, double wd, boolean nanAllowed) {
        if (nanAllowed && Double.isNaN(wd)) return;
        if (!(wd >= 0) || Double.isInfinite(wd)) {
            throw new IllegalArgumentException(who + ": weight decay must be finite and >= 0, got " + wd);
        }
    }

    @Override
    public String toString() {
        return "ParamGroup(" + params.size() + " parameters " + params.keySet() + ", lr " + lr
                + ", weight decay " + weightDecay + ")";
    }
}
