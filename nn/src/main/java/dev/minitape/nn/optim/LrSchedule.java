package dev.minitape.nn.optim;

/**
 * The learning rate at each step (0-based), set into the optimizer before the step:
 * {@code optimizer.setLr(schedule.lr(step)); optimizer.step();}.
 */
@FunctionalInterface
public interface LrSchedule {

    /** The learning rate for step {@code step} (0 is the first step). */
    double lr(int step);

    /** The same lr at every step. */
    static LrSchedule constant(double lr) {
        return new Constant(lr);
    }

    /** nanoGPT's linear warmup then cosine decay to {@code minLr}; see {@link WarmupCosine}. */
    static LrSchedule warmupCosine(double maxLr, double minLr, int warmupSteps, int totalSteps) {
        return new WarmupCosine(maxLr, minLr, warmupSteps, totalSteps);
    }

    /** lr at every step. */
    record Constant(double lr) implements LrSchedule {
        public Constant {
            ParamGroup.checkLr("LrSchedule.constant", lr, false);
        }

        @Override
        public double lr(int step) {
            checkStep(step);
            return lr;
        }
    }

    /**
     * nanoGPT's {@code get_lr} (warmup counted from 1, so step 0 already trains):
     * <pre>
     *   step &lt; warmup:            maxLr·(step + 1)/warmup
     *   warmup ≤ step ≤ total:    minLr + ½·(1 + cos(π·ratio))·(maxLr − minLr),  ratio = (step − warmup)/(total − warmup)
     *   step &gt; total:             minLr
     * </pre>
     * so the lr reaches maxLr at step warmup − 1 and warmup, is the mean of maxLr and minLr halfway through
     * the decay, and is minLr from step total on. Needs 0 ≤ minLr ≤ maxLr and 0 ≤ warmup &lt; total.
     */
    record WarmupCosine(double maxLr, double minLr, int warmupSteps, int totalSteps) implements LrSchedule {
        public WarmupCosine {
            ParamGroup.checkLr("LrSchedule.warmupCosine: maxLr", maxLr, false);
            ParamGroup.checkLr("LrSchedule.warmupCosine: minLr", minLr, false);
            if (minLr > maxLr) {
                throw new IllegalArgumentException("LrSchedule.warmupCosine: minLr " + minLr + " must not exceed maxLr " + maxLr);
            }
            if (warmupSteps < 0 || totalSteps <= warmupSteps) {
                throw new IllegalArgumentException("LrSchedule.warmupCosine: need 0 <= warmupSteps < totalSteps, got warmupSteps "
                        + warmupSteps + " and totalSteps " + totalSteps);
            }
        }

        @Override
        public double lr(int step) {
            checkStep(step);
            if (step < warmupSteps) return maxLr * (step + 1) / warmupSteps;
            if (step > totalSteps) return minLr;
            double ratio = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
            return minLr + 0.5 * (1.0 + Math.cos(Math.PI * ratio)) * (maxLr - minLr);
        }
    }

    private static void checkStep(int step) {
        if (step < 0) throw new IllegalArgumentException("LrSchedule.lr: step must be >= 0, got " + step);
    }
}
