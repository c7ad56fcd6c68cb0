package dev.minitape.core.kernels;

import dev.minitape.core.kernels.reference.ReferenceExp;
import java.util.Arrays;

/**
 * Exponentials of float arrays, the inner cost of softmax and cross-entropy, in plain float arithmetic
 * that C2 vectorizes (no float↔int conversion, no bit reinterpretation: JDK 17 vectorizes neither).
 *
 * <p>For t = x − shift (callers pass the row max, so t ≤ 0):
 * <pre>
 *   t ← max(t, −104)                          e^−104 is below half the smallest subnormal; −∞ → −104
 *   k = round(t·log₂e)                        (t·log₂e + 1.5·2²³) − 1.5·2²³, an integer-valued float in [−150, 0]
 *   r = t − k·ln2_hi − k·ln2_lo               Cody–Waite: k·ln2_hi is exact, |r| ≤ ln2/2 (+ a hair)
 *   p = 1 + r + c₂r² + … + c₆r⁶              minimax for e^r on [−ln2/2, ln2/2], |rel err| ≤ 3.1e−9
 *   e^t = p · 2^k,  2^k = Π_b s_b             m = −k = Σ_b β_b·2^b, one exact factor s_b per bit:
 * </pre>
 * F_b = ⌊m / 2^b⌋·2^b is ((m + ½ − 2^(b−1)) + 1.5·2^(23+b)) − 1.5·2^(23+b) (a rounding to the grid 2^b, exact
 * for m ≤ 2²²), the bit's weight is h_b = F_b − F_(b+1) ∈ {0, 2^b}, and its factor s_b ∈ {1, 2^(−2^b)} is the
 * exact affine 1 + h_b·(2^(−2^b) − 1)/2^b when that constant is a float (b ≤ 4), else
 * (1 − h_b/2^b) + h_b·2^(−2^b)/2^b. Bits 1 and 2 share one factor, the cubic in h = F₁ − F₃ ∈ {0, 2, 4, 6}
 * through 1, 1/4, 1/16, 1/64, whose dyadic coefficients make every Horner step exact. Bit 7 (m ≥ 128,
 * t ≲ −88.4) makes its factor 0: those results flush to zero, as −∞ does; NaN stays NaN. Every factor is a
 * power of two, so p·Π s_b is p·2^k rounded once (exact above 2^−126 ≈ e^−87.3).
 *
 * <p>Measured against {@link Math#exp}: max relative error 7.5e−8 (≈1.3 float ulp) over every 38th float in
 * [−87, 0], exactly 1 at t = 0 (ExpTest sweeps every 97th float and checks the edges).
 *
 * <p>Layout: by the vectorization rule (package-info), the work runs on BLOCK-sized scratch arrays indexed
 * from 0 (the input block is copied in, the result block out) in three short passes
 * (reduce + polynomial, bits 0–3, bits 4–7). Each element's value depends on that element alone. A caller
 * that knows a lower bound of its arguments (the cross-entropy kernel knows each row's minimum) may take a
 * shorter {@link #path}: with every m ≤ 15 (row span ≲ 10.4) the last pass is skipped, with every m ≤ 63
 * (span ≲ 44) it shrinks to bits 4–5; the skipped factors are exactly 1, so the bits are the same. With the
 * Vector API module {@link VectorExp} computes the same bits with 2^k from int lanes, in one pass.
 *
 * <p>Sums: with B = {@link #blockFor}(len), lane j (j < min(len, B)) adds, in float, the terms at j, j + B,
 * j + 2B, … in index order, with Kahan compensation (so each lane's error stays a few float ulps however long the row); the
 * lanes are then added in double in a fixed order ({@link #sumLanes}). The result depends only on the values
 * and len: never on the thread count or on where the row sits in its array.
 */
public final class Exp {
    private Exp() {}

    /**
     * Elements per block, at most: a row of 8·1024 or more goes in blocks of 1024 (fewer loop set-ups), a
     * shorter one in blocks of 512 (fewer lanes to reduce per row). The arrays of a pass stay in L1.
     */
    static final int BLOCK = 1024;

    /** The block length (and number of sum lanes) for a row of len elements; it depends on len alone. */
    static int blockFor(int len) {
        return len >= 8 * 1024 ? 1024 : 512;
    }

    // the reduction and the polynomial, shared with VectorExp
    static final float LOWEST = -104f;
    static final float LOG2E = 1.44269504f;
    static final float ROUND = 12582912f;                         // 1.5·2^23
    static final float LN2_HI = 0.693145751953125f;               // 15 significant bits: k·LN2_HI is exact
    static final float LN2_LO = 1.42860677e-6f;                   // ln 2 − LN2_HI
    static final float C6 = 0.0013814599951729178f, C5 = 0.008368710055947304f,
            C4 = 0.04166838899254799f, C3 = 0.1666652113199234f, C2 = 0.4999999403953552f;

    /** Per-thread scratch: the input block, the result block, the exponents, and the sum lanes. */
    static final class Scratch {
        final float[] in = new float[BLOCK], out = new float[BLOCK], m = new float[BLOCK];
        final float[] sum = new float[BLOCK], comp = new float[BLOCK];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static Scratch scratch() {
        return SCRATCH.get();
    }

    /**
     * y[at + i] = e^(x[at + i] − shift) for i in [0, len), returning Σ y in double. Callers pass the row max
     * as the shift, so every argument is ≤ 0 and nothing overflows (positive arguments are not supported).
     */
    public static double expShifted(float[] y, float[] x, int at, int len, float shift) {
        if (KernelTier.reference()) return ReferenceExp.expShifted(y, x, at, len, shift);
        return run(y, x, at, len, shift);
    }

    /** Σ e^(x[at + i] − shift) in double, without storing the terms (the same sum expShifted returns). */
    public static double sumExpShifted(float[] x, int at, int len, float shift) {
        if (KernelTier.reference()) return ReferenceExp.expShifted(null, x, at, len, shift);
        return run(null, x, at, len, shift);
    }

    /** {@link #block}'s paths: every m ≤ 15 (bits 0–3 only), every m ≤ 63 (bits 0–5), any m. */
    static final int NARROW = 0, MEDIUM = 1, WIDE = 2;

    /**
     * The cheapest path that is exact for every argument t ≥ lowest − shift: m = −k (k as {@link #block}
     * computes it, monotonic in t) is largest at the lowest t, and the factors of the bits above it are all
     * exactly 1. NaN (a NaN in the range) gives WIDE.
     */
    static int path(float lowest, float shift) {
        float t = Math.max(lowest - shift, LOWEST);
        float k = Math.fma(t, LOG2E, ROUND) - ROUND;
        return k >= -15f ? NARROW : k >= -63f ? MEDIUM : WIDE;
    }

    private static double run(float[] y, float[] x, int at, int len, float shift) {
        return run(y, x, at, len, shift, WIDE);
    }

    /** expShifted (y not null) or sumExpShifted (y null) along {@link #path} (WIDE is always exact). */
    static double run(float[] y, float[] x, int at, int len, float shift, int path) {
        if (len <= 0) return 0;
        Scratch s = SCRATCH.get();
        int block = blockFor(len), lanes = Math.min(len, block);
        Arrays.fill(s.sum, 0, lanes, 0f);
        Arrays.fill(s.comp, 0, lanes, 0f);
        boolean vector = VectorApi.enabled();
        for (int i = 0; i < len; i += block) {
            int n = Math.min(block, len - i);
            if (vector) {                                           // the same bits in one pass, without copies
                VectorExp.run(y, at + i, x, at + i, n, shift, s.sum, s.comp);
                continue;
            }
            System.arraycopy(x, at + i, s.in, 0, n);
            block(s, n, shift, path);
            accumulate(s.sum, s.comp, s.out, n);
            if (y != null) System.arraycopy(s.out, 0, y, at + i, n);
        }
        return sumLanes(s.sum, s.comp, 0, lanes);
    }

    /**
     * Σ_j (sum[from + j] − comp[from + j]) over j in [0, len) in double, in a fixed order: four interleaved
     * accumulators (j mod 4), then (a0 + a1) + (a2 + a3). comp null means zeros. A row of at most 512
     * terms has one term per lane and no compensation, so its sum is sumLanes(terms, null, …).
     */
    static double sumLanes(float[] sum, float[] comp, int from, int len) {
        if (comp == null) return Sums.sum(sum, from, len);
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        int j = 0;
        for (; j + 4 <= len; j += 4) {
            a0 += (double) sum[from + j] - comp[from + j];
            a1 += (double) sum[from + j + 1] - comp[from + j + 1];
            a2 += (double) sum[from + j + 2] - comp[from + j + 2];
            a3 += (double) sum[from + j + 3] - comp[from + j + 3];
        }
        for (; j < len; j++) a0 += (double) sum[from + j] - comp[from + j];
        return (a0 + a1) + (a2 + a3);
    }

    /**
     * s.out[i] = e^(s.in[i] − shift) for i in [0, n), n ≤ BLOCK, along a {@link #path} valid for these
     * arguments: NARROW skips the high bits and MEDIUM bits 6 and 7, whose factors are then all exactly 1,
     * so every path valid for an argument gives it the same bits.
     */
    static void block(Scratch s, int n, float shift, int path) {
        if (VectorApi.enabled()) {
            VectorExp.block(s.out, s.in, n, shift);
        } else if (path == NARROW) {
            reduce(s.out, s.m, s.in, n, shift);
            lowBits(s.out, s.m, n);
        } else if (path == MEDIUM) {
            reduce(s.out, s.m, s.in, n, shift);
            lowBitsAndCarry(s.out, s.m, n);
            middleBits(s.out, s.m, n);
        } else {
            reduceClamped(s.out, s.m, s.in, n, shift);
            lowBitsAndCarry(s.out, s.m, n);
            highBits(s.out, s.m, n);
        }
    }

    /** out = p(r), m = −k. */
    private static void reduceClamped(float[] out, float[] m, float[] in, int n, float shift) {
        for (int i = 0; i < n; i++) {
            float t = Math.max(in[i] - shift, LOWEST);
            float k = Math.fma(t, LOG2E, ROUND) - ROUND;
            float r = Math.fma(k, -LN2_LO, Math.fma(k, -LN2_HI, t));
            float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(C6, r, C5), r, C4), r, C3), r, C2), r, 1f);
            out[i] = Math.fma(p, r, 1f);
            m[i] = -k;
        }
    }

    /** reduceClamped for arguments known to be ≥ −44 (paths NARROW and MEDIUM), where the clamp is a no-op. */
    private static void reduce(float[] out, float[] m, float[] in, int n, float shift) {
        for (int i = 0; i < n; i++) {
            float t = in[i] - shift;
            float k = Math.fma(t, LOG2E, ROUND) - ROUND;
            float r = Math.fma(k, -LN2_LO, Math.fma(k, -LN2_HI, t));
            float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(C6, r, C5), r, C4), r, C3), r, C2), r, 1f);
            out[i] = Math.fma(p, r, 1f);
            m[i] = -k;
        }
    }

    /** out ·= 2^−m for m ≤ 15 (path NARROW): lowBitsAndCarry without ⌊m/16⌋, which is 0. */
    private static void lowBits(float[] out, float[] m, int n) {
        for (int i = 0; i < n; i++) {
            float mi = m[i];
            float f1 = ((mi - 0.5f) + 25165824f) - 25165824f;           // ⌊m/2⌋·2
            float f3 = ((mi - 3.5f) + 100663296f) - 100663296f;         // ⌊m/8⌋·8
            float s0 = Math.fma(mi - f1, -0.5f, 1f);                    // 1 or 1/2
            float h = f1 - f3;                                          // 0, 2, 4, 6
            float s12 = Math.fma(Math.fma(Math.fma(-0x1.2p-7f, h, 0x1.f8p-4f), h, -0x1.2cp-1f), h, 1f);  // 4^(−h/2)
            float s3 = Math.fma(f3, -0x1.fep-4f, 1f);                   // 1 or 2^−8
            out[i] = out[i] * ((s0 * s12) * s3);
        }
    }

    /** out ·= 2^−(m mod 16), then m = ⌊m/16⌋·16. */
    private static void lowBitsAndCarry(float[] out, float[] m, int n) {
        for (int i = 0; i < n; i++) {
            float mi = m[i];
            float f1 = ((mi - 0.5f) + 25165824f) - 25165824f;           // ⌊m/2⌋·2
            float f3 = ((mi - 3.5f) + 100663296f) - 100663296f;         // ⌊m/8⌋·8
            float f4 = ((mi - 7.5f) + 201326592f) - 201326592f;         // ⌊m/16⌋·16
            float s0 = Math.fma(mi - f1, -0.5f, 1f);                    // 1 or 1/2
            float h = f1 - f3;                                          // 0, 2, 4, 6
            float s12 = Math.fma(Math.fma(Math.fma(-0x1.2p-7f, h, 0x1.f8p-4f), h, -0x1.2cp-1f), h, 1f);  // 4^(−h/2)
            float s3 = Math.fma(f3 - f4, -0x1.fep-4f, 1f);              // 1 or 2^−8
            out[i] = out[i] * ((s0 * s12) * s3);
            m[i] = f4;
        }
    }

    /** out ·= 2^−m for m a multiple of 16 in [0, 150]; m ≥ 128 gives 0. */
    private static void highBits(float[] out, float[] m, int n) {
        for (int i = 0; i < n; i++) {
            float f4 = m[i];
            float f5 = ((f4 - 15.5f) + 402653184f) - 402653184f;       // ⌊m/32⌋·32
            float f6 = ((f4 - 31.5f) + 805306368f) - 805306368f;       // ⌊m/64⌋·64
            float f7 = ((f4 - 63.5f) + 1610612736f) - 1610612736f;     // ⌊m/128⌋·128
            float s4 = Math.fma(f4 - f5, -0x1.fffep-5f, 1f);            // 1 or 2^−16
            float h5 = f5 - f6, h6 = f6 - f7;
            float s5 = Math.fma(h5, 0x1p-37f, Math.fma(h5, -0x1p-5f, 1f));   // 1 or 2^−32
            float s6 = Math.fma(h6, 0x1p-70f, Math.fma(h6, -0x1p-6f, 1f));   // 1 or 2^−64
            float s7 = Math.fma(f7, -0x1p-7f, 1f);                      // 1, or 0: flush to zero
            out[i] = out[i] * ((s4 * s5) * (s6 * s7));
        }
    }

    /** highBits for m ≤ 63: then ⌊m/64⌋ = ⌊m/128⌋ = 0. */
    private static void middleBits(float[] out, float[] m, int n) {
        for (int i = 0; i < n; i++) {
            float f4 = m[i];
            float f5 = ((f4 - 15.5f) + 402653184f) - 402653184f;       // ⌊m/32⌋·32
            float s4 = Math.fma(f4 - f5, -0x1.fffep-5f, 1f);            // 1 or 2^−16
            float s5 = Math.fma(f5, 0x1p-37f, Math.fma(f5, -0x1p-5f, 1f));   // 1 or 2^−32
            out[i] = out[i] * (s4 * s5);
        }
    }

    /** Kahan: sum + comp carries each lane's running total exactly to within a few ulps. */
    private static void accumulate(float[] sum, float[] comp, float[] e, int n) {
        for (int i = 0; i < n; i++) {
            float y = e[i] - comp[i];
            float t = sum[i] + y;
            comp[i] = (t - sum[i]) - y;
            sum[i] = t;
        }
    }
}
