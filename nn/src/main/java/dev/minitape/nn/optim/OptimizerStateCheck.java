package dev.minitape.nn.optim;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a saved {@link OptimizerState} against the optimizer that is to load it, and copies what it
 * restores. The state must come from an optimizer of the same name, with no more parameter groups, and
 * hold for each parameter either nothing (never updated) or its step count and every buffer at the
 * parameter's size; entries for parameters the optimizer does not have are an error, not ignored.
 */
final class OptimizerStateCheck {
    /** What a valid state restores: per group its lr, per parameter (in order) its steps and buffers (null: none). */
    record Restored(int stepCount, double[] lrs, int[] steps, float[][][] buffers) {}

    private OptimizerStateCheck() {}

    /**
     * @param optimizer the loading optimizer's name
     * @param groups    how many parameter groups it has
     * @param sizes     its parameters' names and sizes, in order
     * @param buffers   the names of its per-parameter buffers
     */
    static Restored check(String optimizer, int groups, Map<String, Integer> sizes, List<String> buffers, OptimizerState state) {
        String who = optimizer + ".loadState";
        String saved = state.require("optimizer");
        if (!saved.equals(optimizer)) {
            throw new IllegalArgumentException(who + ": the state was saved by " + saved + ", not " + optimizer);
        }
        int count = parseInt(who, "step_count", state.require("step_count"), 0);
        double[] lrs = new double[groups];
        for (int i = 0; i < lrs.length; i++) {
            String key = "group." + i + ".lr";
            lrs[i] = parseDouble(who, key, state.require(key));
            ParamGroup.checkLr(who + ": " + key, lrs[i], false);
        }
        if (state.metadata().containsKey("group." + groups + ".lr")) {
            throw new IllegalArgumentException(who + ": the state has more than the " + groups
                    + " parameter groups of this optimizer");
        }
        Set<String> expected = new LinkedHashSet<>();
        int[] steps = new int[sizes.size()];
        float[][][] loaded = new float[sizes.size()][][];
        int k = 0;
        for (Map.Entry<String, Integer> param : sizes.entrySet()) {
            String name = param.getKey();
            String stepText = state.metadata().get(name + ".step");
            for (String b : buffers) expected.add(name + "." + b);
            if (stepText == null) {
                for (String b : buffers) {
                    if (state.tensors().containsKey(name + "." + b)) {
                        throw new IllegalArgumentException(who + ": '" + name + "." + b + "' is present but '"
                                + name + ".step' is not");
                    }
                }
            } else {
                steps[k] = parseInt(who, name + ".step", stepText, 1);
                loaded[k] = new float[buffers.size()][];
                for (int b = 0; b < buffers.size(); b++) {
                    String key = name + "." + buffers.get(b);
                    float[] v = state.tensors().get(key);
                    if (v == null) {
                        throw new IllegalArgumentException(who + ": the state has no '" + key + "' for parameter '" + name
                                + "' (" + name + ".step = " + stepText + "; tensors: " + state.tensors().keySet() + ")");
                    }
                    if (v.length != param.getValue()) {
                        throw new IllegalArgumentException(who + ": '" + key + "' has " + v.length + " values, parameter '"
                                + name + "' has " + param.getValue());
                    }
                    loaded[k][b] = v.clone();
                }
            }
            k++;
        }
        List<String> unknown = new ArrayList<>();
        for (String key : state.tensors().keySet()) if (!expected.contains(key)) unknown.add(key);
        for (String key : state.metadata().keySet()) {
            if (key.endsWith(".step") && !key.equals("step_count") && !sizes.containsKey(key.substring(0, key.length() - 5))) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(who + ": the state has entries for no parameter of this optimizer: "
                    + unknown + " (its buffers per parameter are " + buffers + "; parameters: " + List.copyOf(sizes.keySet()) + ")");
        }
        return new Restored(count, lrs, steps, loaded);
    }

    private static int parseInt(String who, String key, String text, int min) {
        try {
            int v = Integer.parseInt(text);
            if (v >= min) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(who + ": '" + key + "' must be an integer >= " + min + ", got '" + text + "'");
    }

    private static double parseDouble(String who, String key, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(who + ": '" + key + "' must be a number, got '" + text + "'");
        }
    }
}
