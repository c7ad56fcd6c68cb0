package dev.minitape.lm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minitape.core.CrossEntropy;
import dev.minitape.core.Rng;
import dev.minitape.core.Tape;
import dev.minitape.core.Tensor;
import dev.minitape.lm.model.Gpt;
import dev.minitape.lm.model.GptConfig;
import dev.minitape.nn.Parameter;
import dev.minitape.nn.optim.AdamW;
import dev.minitape.nn.optim.ParamGroup;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A training step on {@link Tape#startReusingBuffers()}: the same numbers as on a plain tape, without the garbage. */
class ReusedBuffersTest {

    private static final GptConfig CONFIG = new GptConfig(40, 32, 2, 2, 32, 0.1f);   // dropout: its masks are lent too
    private static final int BATCH = 8;

    @Test
    void aTrainingStepOnReusedBuffersComputesTheSameBitsAndAllocatesAlmostNothing() {
        Gpt plain = new Gpt(CONFIG, new Rng(3)), reusing = new Gpt(CONFIG, new Rng(3));
        plain.train();
        reusing.train();
        AdamW plainOpt = optimizer(plain), reusingOpt = optimizer(reusing);
        CrossEntropy ce = CrossEntropy.builder().labelSmoothing(0.1).build();
        Rng data = new Rng(9);
        long plainBytes = 0, reusingBytes = 0;
        for (int step = 0; step < 6; step++) {
            int[] x = new int[BATCH * CONFIG.blockSize()], y = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = data.nextInt(CONFIG.vocabSize());
                y[i] = data.nextInt(CONFIG.vocabSize());
            }
            long before = allocatedBytes();
            float plainLoss = step(plain, plainOpt, ce, x, y, false);
            long middle = allocatedBytes();
            float reusingLoss = step(reusing, reusingOpt, ce, x, y, true);
            long after = allocatedBytes();
            assertEquals(plainLoss, reusingLoss, 0f, "loss at step " + step);
            if (step >= 2) {                                          // the pool is filled by the first step
                plainBytes += middle - before;
                reusingBytes += after - middle;
            }
        }
        List<Parameter> a = plain.module().parameters(), b = reusing.module().parameters();
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).data(), b.get(i).data(), 0f, "parameter " + i);
        assertTrue(reusingBytes * 20 < plainBytes, "allocated " + reusingBytes + " bytes reusing, " + plainBytes + " plain");
    }

    private static AdamW optimizer(Gpt model) {
        return AdamW.builder().lr(1e-2).weightDecay(0.1).build(ParamGroup.decayAndNoDecay(model.namedParameters(), 0.1));
    }

    private static float step(Gpt model, AdamW optimizer, CrossEntropy ce, int[] x, int[] y, boolean reuse) {
        optimizer.zeroGrad();
        float loss;
        try (Tape tape = reuse ? Tape.startReusingBuffers() : Tape.start()) {
            Tensor l = ce.apply(model.forward(x, BATCH, CONFIG.blockSize()), y);
            loss = l.item();
            l.backward();
        }
        optimizer.step();
        return loss;
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
