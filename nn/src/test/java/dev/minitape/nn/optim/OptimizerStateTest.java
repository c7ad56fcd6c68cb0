package dev.minitape.nn.optim;

import static dev.minitape.nn.optim.OptimFixtures.fixture;
import static dev.minitape.nn.optim.OptimFixtures.floats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minitape.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Saving and restoring optimizer state: a fresh optimizer over fresh parameters, given the saved parameter
 * values and {@link Optimizer#state()}, continues the uninterrupted trajectory bit for bit; bad states are
 * refused with a message naming what is wrong, before anything changes.
 */
class OptimizerStateTest {
    private static final int STEPS = 20;

    /** Every fixture configuration, interrupted after 4 steps (before some parameters have state) and after 11. */
    @TestFactory
    Stream<DynamicTest> restoredOptimizerContinuesTheSameTrajectoryBitForBit() {
        return StreamSupport.stream(fixture().get("configs").spliterator(), false)
                .flatMap(config -> Stream.of(4, 11).map(cut -> DynamicTest.dynamicTest(
                        config.get("name").asText() + ", saved after step " + cut, () -> resumeAt(config, cut))));
    }

    private static void resumeAt(JsonNode config, int cut) {
        Map<String, Parameter> straight = OptimFixtures.initialParams();
        Optimizer a = OptimFixtures.build(config, straight);
        run(config, a, straight, 0, STEPS);

        Map<String, Parameter> first = OptimFixtures.initialParams();
        Optimizer b = OptimFixtures.build(config, first);
        run(config, b, first, 0, cut);
        OptimizerState saved = b.state();
        Map<String, Parameter> resumed = new LinkedHashMap<>();           // as a checkpoint would hold them
        first.forEach((name, p) -> resumed.put(name, new Parameter(p.toArray(), p.shape())));
        run(config, b, first, cut, cut + 3);             // the saved state must not follow the optimizer

        Optimizer c = OptimFixtures.build(config, resumed);
        c.loadState(saved);
        assertEquals(cut, c.stepCount(), "stepCount after loadState");
        run(config, c, resumed, cut, STEPS);

        straight.forEach((name, p) -> assertArrayEquals(p.data(), resumed.get(name).data(),
                name + " after " + STEPS + " steps, resumed after step " + cut));
        assertEquals(a.state().metadata(), c.state().metadata(), "metadata at the end");
        a.state().tensors().forEach((key, v) -> assertArrayEquals(v, c.state().tensors().get(key), key + " at the end"));
    }

    /** Steps from..to-1 of the fixture's gradients and schedule. */
    private static void run(JsonNode config, Optimizer opt, Map<String, Parameter> params, int from, int to) {
        JsonNode schedule = config.get("schedule");
        for (int step = from; step < to; step++) {
            if (!schedule.isNull()) opt.setLr(config.get("lrs").get(step).asDouble());
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                if (!OptimFixtures.missing(config, e.getKey(), step)) {
                    OptimFixtures.setGrad(e.getValue(), floats(fixture().get("grads").get(step).get(e.getKey())));
                }
            }
            opt.step();
        }
    }

    private static Map<String, Parameter> twoParams() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("lin.weight", new Parameter(new float[] {1, -2, 3, -4}, 2, 2));
        m.put("lin.bias", new Parameter(new float[] {0.5f, -0.5f}, 2));
        return m;
    }

    private static Optimizer adamWAfterTwoSteps(Map<String, Parameter> params, boolean amsgrad) {
        AdamW opt = AdamW.builder().lr(0.1).amsgrad(amsgrad).build(params);
        for (int s = 0; s < 2; s++) {
            params.values().forEach(p -> { for (int i = 0; i < p.numel(); i++) p.gradData()[i] = 0.25f * (i + 1); });
            opt.step();
        }
        return opt;
    }

    @Test
    void stateIsNamedArraysAndStringScalars() {
        OptimizerState s = adamWAfterTwoSteps(twoParams(), false).state();
        assertEquals(java.util.List.of("lin.weight.exp_avg", "lin.weight.exp_avg_sq", "lin.bias.exp_avg", "lin.bias.exp_avg_sq"),
                java.util.List.copyOf(s.tensors().keySet()));
        assertEquals("AdamW", s.metadata().get("optimizer"));
        assertEquals("2", s.metadata().get("step_count"));
        assertEquals("2", s.metadata().get("lin.weight.step"));
        assertEquals("0.1", s.metadata().get("group.0.lr"));
        assertEquals(4, s.tensors().get("lin.weight.exp_avg").length);
    }

    @Test
    void sgdWithoutMomentumHasNoTensorsButCountsSteps() {
        Map<String, Parameter> params = twoParams();
        Sgd sgd = Sgd.builder().lr(0.1).build(params);
        params.values().forEach(p -> p.gradData()[0] = 1);
        sgd.step();
        OptimizerState s = sgd.state();
        assertTrue(s.tensors().isEmpty());
        assertEquals("1", s.metadata().get("lin.bias.step"));
    }

    @Test
    void changingASavedArrayDoesNotChangeTheOptimizer() {
        Optimizer opt = adamWAfterTwoSteps(twoParams(), false);
        float[] m = opt.state().tensors().get("lin.weight.exp_avg");
        float before = m[0];
        m[0] = 1e9f;
        assertEquals(before, opt.state().tensors().get("lin.weight.exp_avg")[0]);
    }

    @Test
    void stateFromAnotherKindOfOptimizerIsRefused() {
        OptimizerState s = adamWAfterTwoSteps(twoParams(), false).state();
        Adam adam = Adam.builder().build(twoParams());
        var e = assertThrows(IllegalArgumentException.class, () -> adam.loadState(s));
        assertEquals("Adam.loadState: the state was saved by AdamW, not Adam", e.getMessage());
    }

    @Test
    void arrayOfTheWrongSizeIsRefusedNamingBoth() {
        Map<String, float[]> tensors = new LinkedHashMap<>(adamWAfterTwoSteps(twoParams(), false).state().tensors());
        tensors.put("lin.bias.exp_avg_sq", new float[3]);
        OptimizerState bad = new OptimizerState(tensors, adamWAfterTwoSteps(twoParams(), false).state().metadata());
        var e = assertThrows(IllegalArgumentException.class, () -> AdamW.builder().build(twoParams()).loadState(bad));
        assertEquals("AdamW.loadState: 'lin.bias.exp_avg_sq' has 3 values, parameter 'lin.bias' has 2", e.getMessage());
    }

    @Test
    void stateForAParameterThisOptimizerLacksIsRefused() {
        OptimizerState s = adamWAfterTwoSteps(twoParams(), false).state();
        Map<String, Parameter> renamed = new LinkedHashMap<>();
        twoParams().forEach((name, p) -> renamed.put(name.replace("lin", "proj"), p));
        var e = assertThrows(IllegalArgumentException.class, () -> AdamW.builder().build(renamed).loadState(s));
        assertEquals("AdamW.loadState: the state has entries for no parameter of this optimizer: [lin.weight.exp_avg, "
                + "lin.weight.exp_avg_sq, lin.bias.exp_avg, lin.bias.exp_avg_sq, lin.weight.step, lin.bias.step] (its buffers "
                + "per parameter are [exp_avg, exp_avg_sq]; parameters: [proj.weight, proj.bias])", e.getMessage());
    }

    @Test
    void amsgradStateAndPlainStateDoNotMix() {
        OptimizerState withMax = adamWAfterTwoSteps(twoParams(), true).state();
        var e = assertThrows(IllegalArgumentException.class, () -> AdamW.builder().build(twoParams()).loadState(withMax));
        assertTrue(e.getMessage().contains("entries for no parameter of this optimizer: [lin.weight.max_exp_avg_sq, "
                + "lin.bias.max_exp_avg_sq]"), e.getMessage());

        OptimizerState plain = adamWAfterTwoSteps(twoParams(), false).state();
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> AdamW.builder().amsgrad(true).build(twoParams()).loadState(plain));
        assertTrue(e2.getMessage().startsWith("AdamW.loadState: the state has no 'lin.weight.max_exp_avg_sq'"), e2.getMessage());
    }

    /** The message with which a fresh AdamW refuses a two-step state whose metadata {@code edit} changed. */
    private static String refusalOfEdited(Consumer<Map<String, String>> edit) {
        OptimizerState s = adamWAfterTwoSteps(twoParams(), false).state();
        Map<String, String> meta = new LinkedHashMap<>(s.metadata());
        edit.accept(meta);
        return assertThrows(IllegalArgumentException.class,
                () -> AdamW.builder().build(twoParams()).loadState(new OptimizerState(s.tensors(), meta))).getMessage();
    }

    @Test
    void missingMetadataAndBadNumbersAreNamed() {
        String noStepCount = refusalOfEdited(meta -> meta.remove("step_count"));
        assertTrue(noStepCount.startsWith("OptimizerState: metadata has no 'step_count'"), noStepCount);
        assertEquals("AdamW.loadState: 'lin.bias.step' must be an integer >= 1, got 'two'",
                refusalOfEdited(meta -> meta.put("lin.bias.step", "two")));
    }

    @Test
    void aDifferentNumberOfGroupsIsRefused() {
        Map<String, Parameter> params = twoParams();
        OptimizerState oneGroup = adamWAfterTwoSteps(params, false).state();
        AdamW two = AdamW.builder().build(ParamGroup.decayAndNoDecay(twoParams(), 0.1));
        var e = assertThrows(IllegalArgumentException.class, () -> two.loadState(oneGroup));
        assertTrue(e.getMessage().startsWith("OptimizerState: metadata has no 'group.1.lr'"), e.getMessage());
    }

    @Test
    void aRefusedStateChangesNothing() {
        Map<String, Parameter> params = twoParams();
        Optimizer opt = adamWAfterTwoSteps(params, false);
        OptimizerState before = opt.state();
        Map<String, float[]> tensors = new LinkedHashMap<>(adamWAfterTwoSteps(twoParams(), false).state().tensors());
        tensors.put("lin.bias.exp_avg", new float[5]);
        Map<String, String> meta = new LinkedHashMap<>(before.metadata());
        meta.put("step_count", "99");
        assertThrows(IllegalArgumentException.class, () -> opt.loadState(new OptimizerState(tensors, meta)));
        assertEquals(2, opt.stepCount());
        assertEquals(before.metadata(), opt.state().metadata());
        before.tensors().forEach((k, v) -> assertArrayEquals(v, opt.state().tensors().get(k), k));
    }

    @Test
    void eachGroupsLrIsRestored() {
        AdamW saved = AdamW.builder().lr(0.1).build(ParamGroup.decayAndNoDecay(twoParams(), 0.1));
        saved.groups().get(0).setLr(0.03);                                   // as a schedule would have left them
        saved.groups().get(1).setLr(0.02);
        AdamW fresh = AdamW.builder().lr(0.1).build(ParamGroup.decayAndNoDecay(twoParams(), 0.1));
        fresh.loadState(saved.state());
        assertEquals(0.03, fresh.groups().get(0).lr());
        assertEquals(0.02, fresh.groups().get(1).lr());
    }

    @Test
    void moreGroupsThanTheOptimizerHasAreRefused() {
        OptimizerState twoGroups = AdamW.builder().build(ParamGroup.decayAndNoDecay(twoParams(), 0.1)).state();
        AdamW one = AdamW.builder().build(twoParams());
        var e = assertThrows(IllegalArgumentException.class, () -> one.loadState(twoGroups));
        assertEquals("AdamW.loadState: the state has more than the 1 parameter groups of this optimizer", e.getMessage());
    }

    @Test
    void aSavedLrThatNoOptimizerAcceptsIsRefused() {
        assertEquals("AdamW.loadState: group.0.lr: lr must be finite and >= 0, got -0.1",
                refusalOfEdited(meta -> meta.put("group.0.lr", "-0.1")));
    }

    @Test
    void buffersWithoutTheirStepCountAreRefused() {
        assertEquals("AdamW.loadState: 'lin.bias.exp_avg' is present but 'lin.bias.step' is not",
                refusalOfEdited(meta -> meta.remove("lin.bias.step")));
    }
}
