package dev.minitape.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A piece of a model: its own parameters and child modules, registered by name in order, so every
 * parameter has a PyTorch-style dotted name such as {@code blocks.0.attn.qkv.weight}. Subclasses
 * register in their constructor with {@link #parameter} and {@link #module}, and define their own
 * forward method with the signature that fits them.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a parameter under {@code name}; returns it. */
    protected final Parameter parameter(String name, Parameter p) {
        checkName(name);
        parameters.put(name, p);
        return p;
    }

    /** Registers a child module under {@code name}; returns it. */
    protected final <M extends Module> M module(String name, M m) {
        checkName(name);
        children.put(name, m);
        return m;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name
                    + "' must be non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' is already registered");
        }
    }

    /** Every parameter of this module and its descendants, in registration order, with dotted names. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        parameters.forEach((name, p) -> out.put(prefix + name, p));
        children.forEach((name, m) -> m.collect(prefix + name + ".", out));
    }

    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** The direct children, in registration order. */
    public final Map<String, Module> children() {
        return new LinkedHashMap<>(children);
    }

    /** The number of learned values. A parameter shared by two modules (tied weights) counts once. */
    public final long parameterCount() {
        return namedParameters().values().stream().distinct().mapToLong(Parameter::numel).sum();
    }

    /** Training mode (dropout active) for this module and its descendants; returns this. */
    public Module train() {
        setTraining(true);
        return this;
    }

    /** Evaluation mode (dropout off) for this module and its descendants; returns this. */
    public Module eval() {
        setTraining(false);
        return this;
    }

    private void setTraining(boolean on) {
        training = on;
        children.values().forEach(m -> m.setTraining(on));
    }

    public final boolean isTraining() {
        return training;
    }

    /** Sets every parameter's gradient to zero. */
    public final void zeroGrad() {
        namedParameters().values().forEach(Parameter::zeroGrad);
    }

    /** A one-line description of this module's own configuration, shown in {@link #toString()}. */
    protected String describe() {
        return "";
    }

    /** The module tree, one line per module, with parameter shapes and the total count. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        tree("", getClass().getSimpleName(), sb);
        sb.append("parameters: ").append(String.format("%,d", parameterCount()));
        return sb.toString();
    }

    private void tree(String indent, String label, StringBuilder sb) {
        sb.append(indent).append(label);
        String own = describe();
        if (!own.isEmpty()) sb.append('(').append(own).append(')');
        sb.append('\n');
        parameters.forEach((name, p) -> sb.append(indent).append("  ").append(name).append(' ')
                .append(java.util.Arrays.toString(p.shape())).append('\n'));
        children.forEach((name, m) -> m.tree(indent + "  ", name + ": " + m.getClass().getSimpleName(), sb));
    }
}
