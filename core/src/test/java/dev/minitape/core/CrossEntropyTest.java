package dev.minitape.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The fused cross-entropy: worked numbers, agreement with the unfused composition, stability, errors. */
class CrossEntropyTest {

    private static final CrossEntropy PLAIN = CrossEntropy.builder().build();

    /** The loss and the gradient of the logits, computed under a tape. */
    private static float[][] lossAndGrad(Tensor logits, Function<Tensor, Tensor> loss) {
        Tensor z = logits.detach().requiresGrad(true);
        float value;
        try (Tape tape = Tape.start()) {
            Tensor l = loss.apply(z);
            value = l.item();
            l.backward();
        }
        return new float[][] {{value}, z.grad().toArray()};
    }

    @Test
    void theCatExample() {
        // p = (0.2, 0.5, 0.3) over (dog, cat, ball), the true word is cat: loss = −ln 0.5, dz = p − onehot.
        Tensor logits = Tensor.of(new float[] {(float) Math.log(0.2), (float) Math.log(0.5), (float) Math.log(0.3)}, 1, 3);
        float[][] r = lossAndGrad(logits, z -> PLAIN.apply(z, new int[] {1}));
        assertEquals(0.693, r[0][0], 5e-4);
        assertArrayEquals(new float[] {0.2f, -0.5f, 0.3f}, r[1], 1e-6f);
        // Raising p(cat) to 0.8 lowers the loss to −ln 0.8 = 0.223.
        Tensor better = Tensor.of(new float[] {(float) Math.log(0.1), (float) Math.log(0.8), (float) Math.log(0.1)}, 1, 3);
        assertEquals(0.223, PLAIN.apply(better, new int[] {1}).item(), 5e-4);
    }

    /** The unfused reference: −Σ_c a_c·log_softmax(z)_c per row, then the reduction, all on the tape. */
    private static Tensor unfused(Tensor z, int[] targets, float[] w, float eps, int ignore, Reduction reduction) {
        int v = z.size(-1), n = z.numel() / v;
        Tensor logp = z.reshape(n, v).logSoftmax(-1);
        float[] mass = new float[n * v], rowWeight = new float[n];
        for (int r = 0; r < n; r++) {
            if (targets[r] == ignore) continue;
            rowWeight[r] = w == null ? 1f : w[targets[r]];
            for (int c = 0; c < v; c++) {
                float wc = w == null ? 1f : w[c];
                mass[r * v + c] = wc * ((c == targets[r] ? 1f - eps : 0f) + eps / v);
            }
        }
        Tensor perRow = logp.mul(Tensor.of(mass, n, v)).sum(1, false).neg();
        double total = 0;
        for (float x : rowWeight) total += x;
        return switch (reduction) {
            case SUM -> perRow.sum();
            case MEAN -> perRow.sum().div((float) total);
            default -> throw new IllegalArgumentException("not used here");
        };
    }

    @Test
    void fusedEqualsTheTapeGradientOfTheUnfusedComposition() {
        Rng rng = new Rng(21);
        for (int trial = 0; trial < 40; trial++) {
            int n = 1 + rng.nextInt(12), v = 1 + rng.nextInt(20);
            Tensor logits = Tensor.randn(rng, n, v).mul(3f);
            int ignore = rng.nextInt(3) == 0 ? 0 : -100;
            int[] targets = new int[n];
            for (int r = 0; r < n; r++) targets[r] = rng.nextInt(5) == 0 ? ignore : rng.nextInt(v);
            targets[0] = v - 1;                                     // keep at least one row
            float[] w = null;
            if (rng.nextInt(2) == 0) {
                w = new float[v];
                for (int c = 0; c < v; c++) w[c] = 0.2f + rng.nextFloat();
            }
            float eps = rng.nextInt(2) == 0 ? 0f : rng.nextFloat() * 0.5f;
            Reduction reduction = rng.nextInt(2) == 0 ? Reduction.MEAN : Reduction.SUM;
            CrossEntropy.Builder b = CrossEntropy.builder().ignoreIndex(ignore).labelSmoothing(eps).reduction(reduction);
            if (w != null) b.classWeights(w);
            CrossEntropy ce = b.build();
            float[] weights = w;
            float[][] fused = lossAndGrad(logits, z -> ce.apply(z, targets));
            float[][] ref = lossAndGrad(logits, z -> unfused(z, targets, weights, eps, ignore, reduction));
            String what = "trial " + trial + " n=" + n + " v=" + v + " eps=" + eps + " weights=" + (w != null) + " " + reduction;
            assertEquals(ref[0][0], fused[0][0], 1e-5 * Math.max(1, Math.abs(ref[0][0])), what);
            assertArrayEquals(ref[1], fused[1], 1e-5f, what);
        }
    }

    @Test
    void passesAFiniteDifferenceCheckWithEveryOption() {
        Rng rng = new Rng(3);
        Tensor logits = Tensor.randn(rng, 2, 3, 4).requiresGrad(true);
        int[] targets = {0, 3, -100, 1, 2, 2};
        for (Reduction reduction : Reduction.values()) {
            CrossEntropy ce = CrossEntropy.builder().labelSmoothing(0.2).classWeights(new float[] {1f, 0.5f, 2f, 0.7f})
                    .zLoss(0.01).reduction(reduction).build();
            GradCheck.Report r = GradCheck.check(in -> ce.apply(in[0], targets), logits);
            assertTrue(r.passed(1e-3, 1e-2), reduction + ": " + r);
            Tensor soft = Tensor.randn(rng, 2, 3, 4).softmax(-1);
            GradCheck.Report s = GradCheck.check(in -> ce.apply(in[0], soft), logits);
            assertTrue(s.passed(1e-3, 1e-2), reduction + " soft: " + s);
        }
    }

    @Test
    void stableForAnyLogits() {
        // ±1e4: the softmax is one-hot, the loss is the gap to the winner.
        float[][] r = lossAndGrad(Tensor.of(new float[] {1e4f, -1e4f, 0f}, 1, 3), z -> PLAIN.apply(z, new int[] {2}));
        assertEquals(1e4f, r[0][0], 1e-2f);
        assertArrayEquals(new float[] {1f, 0f, -1f}, r[1], 1e-6f);
        // A spread past 88, where e^z overflows float: loss = −200 + lse(0, 200) = ln(1 + e^−200) ≈ 0.
        r = lossAndGrad(Tensor.of(new float[] {0f, 200f}, 1, 2), z -> PLAIN.apply(z, new int[] {1}));
        assertEquals(0f, r[0][0], 1e-7f);
        r = lossAndGrad(Tensor.of(new float[] {0f, 200f}, 1, 2), z -> PLAIN.apply(z, new int[] {0}));
        assertEquals(200f, r[0][0], 1e-4f);
        // All-equal rows: uniform p, loss ln V.
        r = lossAndGrad(Tensor.full(-7.5f, 1, 4), z -> PLAIN.apply(z, new int[] {3}));
        assertEquals(Math.log(4), r[0][0], 1e-6);
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, -0.75f}, r[1], 1e-6f);
        // V = 1: the only class is certain, loss 0 and no gradient.
        r = lossAndGrad(Tensor.of(new float[] {123f, -4f}, 2, 1), z -> PLAIN.apply(z, new int[] {0, 0}));
        assertEquals(0f, r[0][0], 0f);
        assertArrayEquals(new float[] {0f, 0f}, r[1], 0f);
    }

    @Test
    void largeVocabularyMatchesTheUnfusedPath() {
        int v = 50304;
        Tensor logits = Tensor.randn(new Rng(5), 2, v).mul(4f);
        int[] targets = {17, 50303};
        float[][] fused = lossAndGrad(logits, z -> PLAIN.apply(z, targets));
        float[][] ref = lossAndGrad(logits, z -> unfused(z, targets, null, 0f, -100, Reduction.MEAN));
        assertEquals(ref[0][0], fused[0][0], 1e-4);
        assertArrayEquals(ref[1], fused[1], 1e-7f);
    }

    @Test
    void theForwardsGradientIsHandedOverOrAddedAndNeverShared() throws Exception {
        // Rows longer than 128 classes keep g from the forward. With dL = 1 and no gradient yet, the logits
        // take g as their gradient; otherwise the backward adds dL·g. Either way each step's gradient must be
        // its own, however a reusing tape passes the buffer from step to step. On a thread of its own, this
        // thread's pool starts empty: what a tape takes back is what the next tape is lent.
        java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            thread.submit(CrossEntropyTest::handedOverOrAdded).get();
        } finally {
            thread.shutdownNow();
        }
    }

    private static Void handedOverOrAdded() {
        int n = 5, v = 300;
        int[] targets = {3, -100, 299, 0, 150};
        CrossEntropy ce = CrossEntropy.builder().labelSmoothing(0.1).build();
        Tensor first = Tensor.randn(new Rng(1), n, v).mul(3f);
        float[] g = lossAndGrad(first, z -> CrossEntropy.builder().labelSmoothing(0.1).build().apply(z, targets))[1];
        float[][] ref = lossAndGrad(first, z -> unfused(z, targets, null, 0.1f, -100, Reduction.MEAN));
        assertArrayEquals(ref[1], g, 1e-7f);
        for (int c = 0; c < v; c++) assertEquals(0f, g[v + c], 0f, "the ignored row's gradient");

        // a leaf keeps the buffer it was handed: the tape does not take it back, a later step leaves it alone
        Tensor leaf = first.detach().requiresGrad(true);
        try (Tape tape = Tape.startReusingBuffers()) {
            ce.apply(leaf, targets).backward();
        }
        float[] handed = leaf.grad().toArray();
        assertArrayEquals(g, handed, 0f);
        Tensor other = Tensor.randn(new Rng(2), n, v).requiresGrad(true);
        float[] otherG = lossAndGrad(other, z -> CrossEntropy.builder().labelSmoothing(0.1).build().apply(z, targets))[1];
        try (Tape tape = Tape.startReusingBuffers()) {
            ce.apply(other, targets).backward();
            assertArrayEquals(handed, leaf.grad().toArray(), 0f, "the first leaf's gradient, after another step");
            assertArrayEquals(otherG, other.grad().toArray(), 0f);
            ce.apply(leaf, targets).backward();                       // the leaf has a gradient now: g is added
        }
        assertArrayEquals(otherG, other.grad().toArray(), 0f);
        for (int i = 0; i < g.length; i++) assertEquals(g[i] + g[i], leaf.grad().toArray()[i], 0f, "2g at " + i);

        // an intermediate gives the buffer back for the next step; every step's input gradient is 2·g
        for (int step = 0; step < 3; step++) {
            Tensor w = first.mul(0.5f).detach().requiresGrad(true);   // w·2 is first exactly
            try (Tape tape = Tape.startReusingBuffers()) {
                Tensor loss = ce.apply(w.mul(2f), targets);
                loss.backward();
                for (int i = 0; i < g.length; i++) assertEquals(2f * g[i], w.grad().toArray()[i], 0f, "step " + step);
                ce.apply(other, targets);                             // borrows a buffer of the same size and fills it
                loss.backward();                                      // a second pass recomputes g from the logits
                for (int i = 0; i < g.length; i++) assertEquals(4f * g[i], w.grad().toArray()[i], 0f, "again, step " + step);
            }
        }

        // dL ≠ 1: dz = 0 + dL·g
        Tensor scaled = first.detach().requiresGrad(true);
        try (Tape tape = Tape.start()) {
            ce.apply(scaled, targets).mul(3f).backward();
        }
        for (int i = 0; i < g.length; i++) assertEquals(3f * g[i], scaled.grad().toArray()[i], 0f, "3g at " + i);
        return null;
    }

    @Test
    void aReusingTapeLendsTheKeptGradientAgainEachStepAndAPlainTapeAllocatesIt() {
        int n = 4, v = 300;
        int[] targets = {1, 2, 3, 299};
        CrossEntropy ce = CrossEntropy.builder().build();
        Tensor w = Tensor.randn(new Rng(4), n, v).requiresGrad(true);
        java.util.Set<float[]> previous = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int step = 0; step < 3; step++) {
            try (Tape tape = Tape.startReusingBuffers()) {
                Tensor z = w.mul(1f).retainGrad();
                ce.apply(z, targets).backward();                      // z takes the kept gradient as its own
                float[] g = z.grad().data();
                if (step == 2) assertTrue(previous.contains(g), "the kept gradient is one of the last step's arrays");
                previous.clear();
                previous.add(z.data());
                previous.add(g);
            }
        }
        try (Tape tape = Tape.start()) {
            Tensor z = w.mul(1f).retainGrad();
            ce.apply(z, targets).backward();
            assertFalse(previous.contains(z.grad().data()), "a plain tape allocates");
        }
    }

    @Test
    void oneInstanceServesTwoThreadsAtOnceWithTheResultsOfSequentialUse() throws Exception {
        // Each thread trains on its own logits with the same CrossEntropy, on its own reusing tape, in lock
        // step with the other; every step's loss and gradient must be the bits that running alone gives.
        int n = 48, v = 1000, steps = 12;
        CrossEntropy ce = CrossEntropy.builder().labelSmoothing(0.1).build();
        Tensor[] logits = {Tensor.randn(new Rng(11), n, v).mul(3f), Tensor.randn(new Rng(12), n, v).mul(3f)};
        int[][] targets = new int[2][n];
        for (int i = 0; i < n; i++) {
            targets[0][i] = (i * 37) % v;
            targets[1][i] = i % 5 == 0 ? -100 : (i * 91) % v;
        }
        float[][][] alone = {steps(ce, logits[0], targets[0], steps, null), steps(ce, logits[1], targets[1], steps, null)};
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> steps(ce, logits[0], targets[0], steps, together));
            var second = pool.submit(() -> steps(ce, logits[1], targets[1], steps, together));
            float[][][] concurrent = {first.get(), second.get()};
            for (int t = 0; t < 2; t++) {
                for (int step = 0; step < steps; step++) {
                    assertArrayEquals(alone[t][step], concurrent[t][step], 0f, "thread " + t + ", step " + step);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Per step: the loss followed by the gradient of the logits, reached through an intermediate (x·1). */
    private static float[][] steps(CrossEntropy ce, Tensor logits, int[] targets, int steps,
                                   java.util.concurrent.CyclicBarrier together) throws Exception {
        float[][] out = new float[steps][];
        for (int step = 0; step < steps; step++) {
            if (together != null) together.await();
            Tensor z = logits.detach().requiresGrad(true);
            try (Tape tape = Tape.startReusingBuffers()) {
                Tensor loss = ce.apply(z.mul(1f), targets);
                out[step] = new float[1 + z.numel()];
                out[step][0] = loss.item();
                loss.backward();
            }
            System.arraycopy(z.grad().toArray(), 0, out[step], 1, z.numel());
        }
        return out;
    }

    @Test
    void everyTargetIgnoredGivesZeroNotNaN() {
        // PyTorch returns NaN here (0/0); minitape returns 0 and a zero gradient, so a batch of padding
        // cannot poison a run.
        for (Reduction reduction : new Reduction[] {Reduction.MEAN, Reduction.SEQUENCE_MEAN}) {
            CrossEntropy ce = CrossEntropy.builder().reduction(reduction).labelSmoothing(0.1).build();
            float[][] r = lossAndGrad(Tensor.randn(new Rng(1), 2, 2, 3), z -> ce.apply(z, new int[] {-100, -100, -100, -100}));
            assertEquals(0f, r[0][0], 0f, reduction.toString());
            assertArrayEquals(new float[12], r[1], 0f, reduction.toString());
        }
    }

    @Test
    void noneReturnsOneLossPerPositionWithZeroAtIgnoredOnes() {
        CrossEntropy ce = CrossEntropy.builder().reduction(Reduction.NONE).build();
        Tensor logits = Tensor.randn(new Rng(2), 2, 3, 5);
        int[] targets = {1, -100, 4, 0, 0, -100};
        Tensor loss = ce.apply(logits, targets);
        assertArrayEquals(new int[] {2, 3}, loss.shape());
        assertEquals(0f, loss.get(0, 1));
        assertEquals(0f, loss.get(1, 2));
        float expected = -logits.logSoftmax(-1).get(0, 2, 4);
        assertEquals(expected, loss.get(0, 2), 1e-6f);
    }

    @Test
    void sequenceMeanAveragesEachSequencesOwnMean() {
        // Sequence 0 keeps 1 token, sequence 1 keeps 3, sequence 2 keeps none (skipped).
        Tensor logits = Tensor.randn(new Rng(9), 3, 3, 4);
        int[] targets = {2, -100, -100, 0, 1, 3, -100, -100, -100};
        Tensor perToken = CrossEntropy.builder().reduction(Reduction.NONE).build().apply(logits, targets);
        float[] l = perToken.data();
        double expected = (l[0] + (l[3] + l[4] + l[5]) / 3.0) / 2.0;
        float got = CrossEntropy.builder().reduction(Reduction.SEQUENCE_MEAN).build().apply(logits, targets).item();
        assertEquals(expected, got, 1e-6);
        double tokenMean = (l[0] + l[3] + l[4] + l[5]) / 4.0;
        assertTrue(Math.abs(tokenMean - got) > 1e-3, "differs from the token mean");
    }

    @Test
    void zLossAddsCoefficientTimesLseSquared() {
        Tensor logits = Tensor.randn(new Rng(4), 3, 6).add(2f);
        int[] targets = {1, 5, 0};
        float base = PLAIN.apply(logits, targets).item();
        float withZ = CrossEntropy.builder().zLoss(1e-2).build().apply(logits, targets).item();
        double lseSq = 0;
        for (int r = 0; r < 3; r++) {
            double s = 0;
            for (int c = 0; c < 6; c++) s += Math.exp(logits.get(r, c));
            lseSq += Math.log(s) * Math.log(s);
        }
        assertEquals(base + 1e-2 * lseSq / 3, withZ, 1e-5);
    }

    @Test
    void zLossGradientIsTwoCoefficientTimesLseTimesPOnTopOfPMinusY() {
        // ∂(ζ·lse²)/∂z_j = 2ζ·lse·p_j, so row r's gradient is s·w_y·((1 + 2ζ·lse_r)·p_rj − [j = y_r]): s the
        // reduction's scale (1/Σ w_y over kept rows for MEAN, 1 for SUM), w_y the target's class weight (1 without).
        Tensor logits = Tensor.randn(new Rng(4), 4, 6).add(2f);     // lse ≈ 4: the z-loss is a third of the gradient
        int[] targets = {1, 5, -100, 0};
        double zeta = 0.05;
        float[] weights = {2f, 0.5f, 1f, 1f, 1f, 3f};
        for (float[] w : new float[][] {null, weights}) {
            for (Reduction reduction : new Reduction[] {Reduction.MEAN, Reduction.SUM}) {
                CrossEntropy.Builder b = CrossEntropy.builder().zLoss(zeta).reduction(reduction);
                CrossEntropy ce = (w == null ? b : b.classWeights(w)).build();
                float[] grad = lossAndGrad(logits, z -> ce.apply(z, targets))[1];
                double kept = 0;
                for (int y : targets) if (y >= 0) kept += w == null ? 1 : w[y];
                double s = reduction == Reduction.MEAN ? 1 / kept : 1;
                for (int r = 0; r < 4; r++) {
                    int y = targets[r];
                    double sum = 0;
                    for (int j = 0; j < 6; j++) sum += Math.exp(logits.get(r, j));
                    double lse = Math.log(sum), rowScale = y < 0 ? 0 : s * (w == null ? 1 : w[y]);
                    for (int j = 0; j < 6; j++) {
                        double p = Math.exp(logits.get(r, j)) / sum;
                        double expected = rowScale * ((1 + 2 * zeta * lse) * p - (j == y ? 1 : 0));
                        String what = reduction + (w == null ? "" : " weighted") + " row " + r + " class " + j;
                        assertEquals(expected, grad[r * 6 + j], 1e-6, what);
                    }
                }
            }
        }
    }

    @Test
    void diagnosticsCountKeptTokensAccuracyAndLse() {
        Tensor logits = Tensor.of(new float[] {5, 0, 0, 0, 5, 0, 0, 0, 5, 1, 1, 1}, 4, 3);
        CrossEntropy.Output out = PLAIN.evaluate(logits, new int[] {0, 2, 2, -100});
        assertEquals(3, out.tokens());
        assertEquals(2.0 / 3, out.accuracy(), 1e-12);
        double lse = Math.log(Math.exp(5) + 2);
        assertEquals(lse, out.meanLogSumExp(), 1e-5);
    }

    @Test
    void softTargetDiagnosticsCompareEachRowsArgmaxWithItsTargetsFirstLargest() {
        // targets' largest class: 2, 1, and a tie between 0 and 2 (the first counts); the logits pick 2, 1, 0
        Tensor logits = Tensor.of(new float[] {0, 1, 3, 0, 4, 1, 2, 1, 0}, 3, 3);
        Tensor soft = Tensor.of(new float[] {0.1f, 0.2f, 0.7f, 0.3f, 0.6f, 0.1f, 0.4f, 0.2f, 0.4f}, 3, 3);
        CrossEntropy.Output out = PLAIN.evaluate(logits, soft);
        assertEquals(3, out.tokens());
        assertEquals(1.0, out.accuracy(), 0.0);
        out = PLAIN.evaluate(Tensor.of(new float[] {0, 1, 2}, 1, 3), Tensor.of(new float[] {0.4f, 0.2f, 0.4f}, 1, 3));
        assertEquals(0.0, out.accuracy(), 0.0);
    }

    @Test
    void diagnosticsOfABatchWithEveryTargetIgnoredAreZeroNotNaN() {
        CrossEntropy.Output out = PLAIN.evaluate(Tensor.randn(new Rng(4), 3, 5), new int[] {-100, -100, -100});
        assertEquals(0, out.tokens());
        assertEquals(0.0, out.accuracy(), 0.0);
        assertEquals(0.0, out.meanLogSumExp(), 0.0);
    }

    @Test
    void badOptionsAndShapesForSoftTargetsAndTheBuilderAreExplained() {
        Tensor logits = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.builder().classWeights(new float[] {1, 1, 1, 1}).build().apply(logits, Tensor.zeros(2, 3)));
        assertTrue(e.getMessage().contains("4 class weights for 3 classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PLAIN.apply(Tensor.zeros(2, 0), new int[] {0, 0}));
        assertTrue(e.getMessage().contains("have no classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.builder().classWeights(new float[] {1, Float.POSITIVE_INFINITY}));
        assertTrue(e.getMessage().contains("class weight Infinity for class 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.builder().zLoss(Double.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("zLoss coefficient must be a finite number >= 0, got Infinity"), e.getMessage());
    }

    @Test
    void badInputIsExplained() {
        Tensor logits = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> PLAIN.apply(logits, new int[] {0, 3}));
        assertTrue(e.getMessage().contains("target 3 at position 1") && e.getMessage().contains("0..2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PLAIN.apply(logits, new int[] {-1, 0}));
        assertTrue(e.getMessage().contains("target -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PLAIN.apply(logits, new int[] {0}));
        assertTrue(e.getMessage().contains("1 targets for 2 rows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PLAIN.apply(logits, Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().contains("soft targets of shape [2, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.builder().classWeights(new float[] {1, 1}).build().apply(logits, new int[] {0, 1}));
        assertTrue(e.getMessage().contains("2 class weights for 3 classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.builder().classWeights(new float[] {1, -1}));
        assertTrue(e.getMessage().contains("class weight -1.0 for class 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CrossEntropy.builder().labelSmoothing(1.5));
        assertTrue(e.getMessage().contains("labelSmoothing must be in [0, 1], got 1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropy.builder().reduction(Reduction.SEQUENCE_MEAN).build().apply(logits, new int[] {0, 1}));
        assertTrue(e.getMessage().contains("SEQUENCE_MEAN needs logits (B, T, V)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PLAIN.apply(Tensor.zeros(6), new int[] {0}));
        assertTrue(e.getMessage().contains("must be (N, V) or (B, T, V)"), e.getMessage());
    }

    @Test
    void denominatorsAddMicroBatchLossesUpToTheWholeBatchLoss() {
        // B = 4 sequences of T = 3 over V = 5 classes, split into 2 + 2; the first group keeps 1 of its 6
        // positions, the second 5, so the two halves weigh very differently
        Tensor logits = Tensor.randn(new Rng(5), 4, 3, 5);
        int[] targets = {-100, -100, -100, 2, -100, -100, 0, 4, 1, 3, -100, 2};
        float[] w = {0.5f, 2f, 1f, 3f, 0.25f};
        for (Reduction r : new Reduction[] {Reduction.MEAN, Reduction.SEQUENCE_MEAN}) {
            CrossEntropy ce = CrossEntropy.builder().classWeights(w).labelSmoothing(0.1).reduction(r).build();
            int[] first = java.util.Arrays.copyOfRange(targets, 0, 6), second = java.util.Arrays.copyOfRange(targets, 6, 12);
            double d1 = ce.denominator(first, new int[] {2, 3, 5}), d2 = ce.denominator(second, new int[] {2, 3, 5});
            double l1 = ce.apply(logits.slice(0, 0, 2), first).item(), l2 = ce.apply(logits.slice(0, 2, 4), second).item();
            double whole = ce.apply(logits, targets).item();
            assertEquals(whole, d1 / (d1 + d2) * l1 + d2 / (d1 + d2) * l2, 1e-6 * Math.abs(whole), r.toString());
            assertTrue(Math.abs(whole - (l1 + l2) / 2) > 1e-3, "the plain mean of the halves differs: " + r);
        }
        // MEAN: Σ w_y over kept positions; SEQUENCE_MEAN: the sequences keeping a position
        assertEquals(3.0, CrossEntropy.builder().classWeights(w).build().denominator(new int[] {2, -100, 1, -100, -100, -100}, new int[] {2, 3, 5}));
        assertEquals(1.0, CrossEntropy.builder().reduction(Reduction.SEQUENCE_MEAN).build()
                .denominator(new int[] {2, -100, 1, -100, -100, -100}, new int[] {2, 3, 5}));
        var e = assertThrows(IllegalStateException.class,
                () -> CrossEntropy.builder().reduction(Reduction.SUM).build().denominator(new int[] {1}, new int[] {1, 5}));
        assertEquals("CrossEntropy: a SUM loss has no denominator (MEAN and SEQUENCE_MEAN do)", e.getMessage());
    }
}
