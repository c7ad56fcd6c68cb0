package dev.minitape.nn.optim;

import static dev.minitape.nn.optim.OptimFixtures.fixture;
import static dev.minitape.nn.optim.OptimFixtures.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.minitape.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Trajectory parity with torch.optim (PyTorch 1.13, float32). Each configuration in fixtures/optim/optim.json
 * (generate.py beside it) starts three parameters from the same values, feeds the same 20 gradients, and
 * records the parameters after every step; minitape's optimizer replays the gradients and must agree at
 * every step within |minitape − torch| ≤ 1e-6 + 1e-5·|torch|. A configuration with a schedule drives the lr
 * with minitape's {@link LrSchedule#warmupCosine}, which must give the lr PyTorch was given.
 *
 * <p>The clip cases check {@link GradClip#clipGlobalNorm} against {@code torch.nn.utils.clip_grad_norm_}:
 * the returned norm and the clipped gradients.
 */
class OptimizerTorchParityTest {
    private static final double ATOL = 1e-6, RTOL = 1e-5;

    /** Agreement seen so far: [0] optimizer trajectories, [1] clipped gradients. */
    private static final Stats[] STATS = {new Stats("trajectories"), new Stats("clipped gradients")};

    private static final class Stats {
        final String what;
        double maxAbs;
        long maxUlps, compared, exact;
        String worstAt = "-";

        Stats(String what) {
            this.what = what;
        }

        @Override
        public String toString() {
            return String.format("%s: %d values, %d bit-identical, max |diff| %.3g at %s, max %d ulps",
                    what, compared, exact, maxAbs, worstAt, maxUlps);
        }
    }

    @TestFactory
    Stream<DynamicTest> trajectoriesMatchTorchOptim() {
        return StreamSupport.stream(fixture().get("configs").spliterator(), false)
                .map(config -> DynamicTest.dynamicTest(config.get("name").asText(), () -> replay(config)));
    }

    private static void replay(JsonNode config) {
        String name = config.get("name").asText();
        Map<String, Parameter> params = OptimFixtures.initialParams();
        Optimizer opt = OptimFixtures.build(config, params);
        LrSchedule schedule = schedule(config.get("schedule"));
        JsonNode grads = fixture().get("grads"), after = config.get("after");
        List<String> failures = new ArrayList<>();
        for (int step = 0; step < after.size(); step++) {
            if (schedule != null) {
                double torchLr = config.get("lrs").get(step).asDouble();
                assertEquals(torchLr, schedule.lr(step), 1e-15 * torchLr, name + ": schedule lr at step " + step);
                opt.setLr(schedule.lr(step));
            }
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                Parameter p = e.getValue();
                if (OptimFixtures.missing(config, e.getKey(), step)) {
                    assertNull(p.grad(), name + ": the fixture leaves out " + e.getKey() + "'s gradient at step " + step
                            + " after giving one; only a prefix of steps can be left out (no way to drop a gradient)");
                } else {
                    OptimFixtures.setGrad(p, floats(grads.get(step).get(e.getKey())));
                }
            }
            opt.step();
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                compare(STATS[0], name + " step " + (step + 1) + " " + e.getKey(), e.getValue().data(),
                        floats(after.get(step).get(e.getKey())), failures);
            }
        }
        assertEquals(after.size(), opt.stepCount(), name + ": stepCount");
        failIfAny(failures);
    }

    private static LrSchedule schedule(JsonNode s) {
        if (s == null || s.isNull()) return null;
        return LrSchedule.warmupCosine(s.get("max_lr").asDouble(), s.get("min_lr").asDouble(),
                s.get("warmup").asInt(), s.get("total").asInt());
    }

    @TestFactory
    Stream<DynamicTest> clipGradNormMatchesTorch() {
        return StreamSupport.stream(fixture().get("clip").spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                    Map<String, Parameter> params = OptimFixtures.initialParams();
                    c.get("grads").fields().forEachRemaining(e -> OptimFixtures.setGrad(params.get(e.getKey()), floats(e.getValue())));
                    double norm = GradClip.clipGlobalNorm(params.values(), c.get("max_norm").asDouble());
                    double torchNorm = c.get("total_norm").asDouble();
                    assertEquals(torchNorm, norm, ATOL + RTOL * torchNorm, "total norm before clipping");
                    List<String> failures = new ArrayList<>();
                    for (Map.Entry<String, Parameter> e : params.entrySet()) {
                        JsonNode clipped = c.get("clipped").get(e.getKey());
                        if (clipped == null) {
                            assertNull(e.getValue().grad(), e.getKey() + " had no gradient and must still have none");
                        } else {
                            compare(STATS[1], c.get("name").asText() + " " + e.getKey(), e.getValue().gradData(), floats(clipped), failures);
                        }
                    }
                    failIfAny(failures);
                }));
    }

    private static synchronized void compare(Stats st, String label, float[] actual, float[] torch, List<String> failures) {
        assertEquals(torch.length, actual.length, label + ": element count");
        for (int i = 0; i < actual.length; i++) {
            double diff = Math.abs((double) actual[i] - torch[i]);
            long ulps = Math.abs((long) Float.floatToIntBits(actual[i]) - Float.floatToIntBits(torch[i]));
            st.compared++;
            if (diff == 0) st.exact++;
            if (diff > st.maxAbs) { st.maxAbs = diff; st.worstAt = label + "[" + i + "]"; }
            st.maxUlps = Math.max(st.maxUlps, ulps);
            if (!(diff <= ATOL + RTOL * Math.abs(torch[i]))) {
                failures.add(label + "[" + i + "]: minitape " + actual[i] + ", PyTorch " + torch[i]
                        + String.format(" (|diff| %.3g, %d ulps)", diff, ulps));
            }
        }
    }

    private static void failIfAny(List<String> failures) {
        if (failures.isEmpty()) return;
        int shown = Math.min(12, failures.size());
        fail(failures.size() + " value(s) disagree with torch.optim:\n  " + String.join("\n  ", failures.subList(0, shown)));
    }

    @AfterAll
    static void report() {
        for (Stats st : STATS) {
            assertTrue(st.compared > 0, st.what + ": nothing was compared");
            System.out.println("PyTorch parity, " + st);
        }
    }
}
