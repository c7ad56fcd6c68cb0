package dev.minitape.nn.optim;

import dev.minitape.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters in place from their gradients, one {@link ParamGroup} (lr, weight decay) at a time.
 * Between steps, outside any tape:
 * <pre>
 *   optimizer.zeroGrad();  loss.backward();  GradClip.clipGlobalNorm(...);  optimizer.setLr(schedule.lr(step));
 *   optimizer.step();
 * </pre>
 * {@link #step()} skips a parameter whose gradient is null (none has flowed to it), as PyTorch does; the
 * skipped parameter's own step count does not advance. Each parameter carries its state (a step count and
 * the subclass's buffers, allocated at its first update); {@link #state()} and {@link #loadState} save and
 * restore it, so a restored optimizer continues the same trajectory bit for bit.
 */
public abstract class Optimizer {
    private final String name;
    private final List<ParamGroup> groups;
    private final List<Slot> slots = new ArrayList<>();
    private int stepCount;

    /** One parameter's place and state: its updates so far and its buffers (null before the first). */
    private static final class Slot {
        final String name;
        final Parameter param;
        final ParamGroup group;
        int steps;
        float[][] buffers;

        Slot(String name, Parameter param, ParamGroup group) {
            this.name = name;
            this.param = param;
            this.group = group;
        }
    }

    /**
     * Adopts copies of {@code groups}, filling an unset lr or weight decay with the defaults. A parameter or
     * name may appear in one group only, and there must be at least one parameter.
     */
    protected Optimizer(String name, List<ParamGroup> groups, double defaultLr, double defaultWeightDecay) {
        this.name = name;
        List<ParamGroup> own = new ArrayList<>();
        Map<Parameter, Integer> groupOf = new IdentityHashMap<>();
        Map<String, Integer> groupOfName = new LinkedHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i).resolve(name, i, defaultLr, defaultWeightDecay);
            own.add(g);
            for (Map.Entry<String, Parameter> e : g.params().entrySet()) {
                Integer before = groupOf.putIfAbsent(e.getValue(), i);
                if (before != null) {
                    throw new IllegalArgumentException(name + ": parameter '" + e.getKey() + "' is in groups "
                            + before + " and " + i + "; a parameter may be in one group only");
                }
                before = groupOfName.putIfAbsent(e.getKey(), i);
                if (before != null) {
                    throw new IllegalArgumentException(name + ": two parameters are named '" + e.getKey()
                            + "' (groups " + before + " and " + i + "); names key the optimizer state");
                }
                slots.add(new Slot(e.getKey(), e.getValue(), g));
            }
        }
        if (slots.isEmpty()) {
            throw new IllegalArgumentException(name + ": no parameters to optimize (" + groups.size() + " empty groups)");
        }
        this.groups = Collections.unmodifiableList(own);
    }

    /** The names of the per-parameter buffers, in the order {@link #update} receives them. */
    protected abstract List<String> bufferNames();

    /**
     * Updates one parameter's values {@code w} in place from its gradient {@code g} (which must not change).
     * {@code t} is this parameter's step, 1 at its first update; {@code buffers} are its state, zeros before
     * the first update.
     */
    protected abstract void update(ParamGroup group, float[] w, float[] g, int t, float[][] buffers);

    /** Updates every parameter that has a gradient; parameters without one are left as they are. */
    public final void step() {
        for (Slot s : slots) {
            if (s.param.grad() == null) continue;
            if (s.buffers == null) s.buffers = newBuffers(s.param.numel());
            s.steps++;
            update(s.group, s.param.data(), s.param.gradData(), s.steps, s.buffers);
        }
        stepCount++;
    }

    private float[][] newBuffers(int n) {
        float[][] b = new float[bufferNames().size()][];
        for (int i = 0; i < b.length; i++) b[i] = new float[n];
        return b;
    }

    /** Sets every parameter's gradient to zero, keeping the buffers (PyTorch 1.13's default). */
    public final void zeroGrad() {
        for (Slot s : slots) s.param.zeroGrad();
    }

    /** The first group's learning rate. */
    public final double lr() {
        return groups.get(0).lr();
    }

    /** Sets every group's learning rate; a schedule calls it before each step. */
    public final void setLr(double lr) {
        ParamGroup.checkLr(name + ".setLr", lr, false);
        for (ParamGroup g : groups) g.setLr(lr);
    }

    /** How many times {@link #step()} has run (restored by {@link #loadState}). */
    public final int stepCount() {
        return stepCount;
    }

    /** This optimizer's own groups, with their resolved lr and weight decay (unmodifiable list). */
    public final List<ParamGroup> groups() {
        return groups;
    }

    // ---- state ---------------------------------------------------------------------------------------------

    /** A copy of the state: step counts, group lrs and every buffer (see {@link OptimizerState}). */
    public final OptimizerState state() {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("optimizer", name);
        meta.put("step_count", Integer.toString(stepCount));
        for (int i = 0; i < groups.size(); i++) meta.put("group." + i + ".lr", Double.toString(groups.get(i).lr()));
        List<String> buffers = bufferNames();
        for (Slot s : slots) {
            if (s.steps == 0) continue;
            meta.put(s.name + ".step", Integer.toString(s.steps));
            for (int b = 0; b < buffers.size(); b++) tensors.put(s.name + "." + buffers.get(b), s.buffers[b].clone());
        }
        return new OptimizerState(tensors, meta);
    }

    /**
     * Replaces this optimizer's state with a copy of {@code state}, which must come from the same kind of
     * optimizer over parameters of the same names and sizes. Everything is checked before anything changes
     * ({@link OptimizerStateCheck}).
     */
    public final void loadState(OptimizerState state) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (Slot s : slots) sizes.put(s.name, s.param.numel());
        OptimizerStateCheck.Restored r = OptimizerStateCheck.check(name, groups.size(), sizes, bufferNames(), state);
        stepCount = r.stepCount();
        for (int i = 0; i < groups.size(); i++) groups.get(i).setLr(r.lrs()[i]);
        for (int k = 0; k < slots.size(); k++) {
            slots.get(k).steps = r.steps()[k];
            slots.get(k).buffers = r.buffers()[k];
        }
    }

    @Override
    public String toString() {
        return name + "(" + slots.size() + " parameters in " + groups.size() + " groups, step " + stepCount + ")";
    }
}
