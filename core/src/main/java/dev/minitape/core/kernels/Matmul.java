package dev.minitape.core.kernels;

import dev.minitape.core.kernels.reference.ReferenceMatmul;
import java.util.Arrays;

/**
 * Matrix products on row-major float arrays, accumulating into the output (c += ...). The three layouts
 * cover a forward pass and both gradients without materializing a transpose:
 * nn: c (m×n) += a (m×k) · b (k×n); nt: c += a (m×k) · bᵀ with b (n×k); tn: c += aᵀ · b with a (k×m).
 * The batched forms take one offset per matrix; batch outputs must not overlap.
 *
 * <p>A layout is only a pair of strides: every call runs one blocked loop nest on {@link View}s,
 * A(i, p) = a[i·ars + p·aps] and B(p, j) = b[p·brs + j·bcs].
 *
 * <p>Blocking scheme. By the vectorization rule (package-info), the hot loop runs on small arrays of its
 * own, one float[] per row, kept per thread:
 * <ul>
 *   <li>a panel of B: kc ≤ KC = 256 depths by w ≤ NC = 512 columns, packed once per thread and block
 *       (for nt this is where bᵀ is read); 512 KiB, it stays in L2 while the thread's rows stream past;
 *   <li>an accumulator: 3 rows of C over the panel's columns, copied in and out around each block (L1);
 *   <li>for {@link VectorKernel#kernel6}, the panel's whole strips (2 vectors wide) packed again strip by
 *       strip, so the kernel reads each strip's kc rows one after another instead of 2 KB apart (the
 *       strided reads cost L2 and TLB misses).
 * </ul>
 * The micro-kernel updates the 3 accumulator rows with 3 panel rows per pass over j: per vector of
 * columns, 3 loads of B, 3 loads and stores of C, 9 fmas. (A 4×4 or 2×4 tile, or mul-then-add instead of
 * fma, makes C2 give up vectorizing.) Per thread, for its rows of C:
 * <pre>
 *   for each column panel jc (w ≤ NC):
 *     for each depth block pc (kc ≤ KC):     panel ← B[pc.., jc..]
 *       for each group of 3 rows i:          acc ← C[i.., jc..];  acc += A[i.., pc..] · panel;  C[i.., jc..] ← acc
 * </pre>
 * A loop only pays when it is long, and C has short rows in some products (a 65-letter vocabulary):
 * then, if the thread has many rows, the same nest runs on the transposes, Cᵀ += Bᵀ · Aᵀ, with loops
 * along the rows of C; the panel is then a transposed block of A.
 *
 * <p>Determinism: every element gets c = fma(A(i, p), B(p, j), c) for p = 0, 1, ..., k−1 in that order,
 * whatever the blocking, the orientation, the thread count, the row grouping or which lanes the JIT
 * vectorizes. Results are therefore bit-identical for any number of threads and any data alignment,
 * and equal to the plain triple loop with fma.
 */
public final class Matmul {
    /** Depth (k) of a packed block of B. */
    private static final int KC = 256;
    /** Widest panel: the longest loop the micro-kernel runs. */
    private static final int NC = 512;
    /**
     * Length of each workspace row: NC plus 12, so that with HotSpot's 16-byte array header a row fills
     * whole 64-byte cache lines and rows allocated one after another share their alignment. Once the JIT
     * aligns one array in the micro-kernel's loop, all its vector loads and stores are aligned (~10%).
     */
    private static final int ROW = NC + 12;
    /** Panels at least this wide go to {@link #kernel3}, narrower ones to {@link #kernel3Narrow}. */
    private static final int WIDE = 128;
    /** Rows of C per micro-kernel call. */
    private static final int MR = 3;

    /**
     * A thread's panel of B (with up to two zero rows after the last depth) and accumulator rows: 3 for the
     * plain kernels, 6 or 12 for {@link VectorKernel}'s.
     */
    private static final class Workspace {
        final float[][] panel = new float[KC + 2][ROW];
        /** The panel's whole strips for {@link VectorKernel#kernel6}, each strip's rows one after another. */
        final float[] strips = new float[KC * NC];
        final float[][] acc = new float[VectorKernel.NARROW_ROWS][ROW];
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private Matmul() {}

    /** c[cOff..] (m×n) += a[aOff..] (m×k) · b[bOff..] (k×n) */
    public static void nn(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n) {
        nn(c, new int[] {cOff}, a, new int[] {aOff}, b, new int[] {bOff}, m, k, n);
    }

    /** c[cOff..] (m×n) += a[aOff..] (m×k) · b[bOff..]ᵀ, b (n×k) */
    public static void nt(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n) {
        nt(c, new int[] {cOff}, a, new int[] {aOff}, b, new int[] {bOff}, m, k, n);
    }

    /** c[cOff..] (m×n) += a[aOff..]ᵀ · b[bOff..] (k×n), a (k×m) */
    public static void tn(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n) {
        tn(c, new int[] {cOff}, a, new int[] {aOff}, b, new int[] {bOff}, m, k, n);
    }

    /**
     * c[cOff..] (m×n) = a[aOff..] (m×k) · b[bOff..] (k×n), whatever c held: {@link #nn} without reading c, so a
     * caller need not clear it first; the same bits as nn into zeros (each accumulator starts at 0 instead).
     */
    public static void nnOverwrite(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n) {
        run(c, new int[] {cOff}, a, new int[] {aOff}, k, 1, b, new int[] {bOff}, n, 1, m, k, n, true);
    }

    /** c[cOff[t]..] (m×n) += a[aOff[t]..] (m×k) · b[bOff[t]..] (k×n)   for each batch entry t */
    public static void nn(float[] c, int[] cOff, float[] a, int[] aOff, float[] b, int[] bOff, int m, int k, int n) {
        run(c, cOff, a, aOff, k, 1, b, bOff, n, 1, m, k, n, false);
    }

    /** c[cOff[t]..] (m×n) += a[aOff[t]..] (m×k) · b[bOff[t]..]ᵀ, b (n×k)   for each batch entry t */
    public static void nt(float[] c, int[] cOff, float[] a, int[] aOff, float[] b, int[] bOff, int m, int k, int n) {
        run(c, cOff, a, aOff, k, 1, b, bOff, 1, k, m, k, n, false);
    }

    /** c[cOff[t]..] (m×n) += a[aOff[t]..]ᵀ · b[bOff[t]..] (k×n), a (k×m)   for each batch entry t */
    public static void tn(float[] c, int[] cOff, float[] a, int[] aOff, float[] b, int[] bOff, int m, int k, int n) {
        run(c, cOff, a, aOff, 1, m, b, bOff, n, 1, m, k, n, false);
    }

    /**
     * C_t += A_t · B_t for every batch entry t, with A(i, p) = a[aOff[t] + i·ars + p·aps] and
     * B(p, j) = b[bOff[t] + p·brs + j·bcs]. Threads split the batch's rows of C into contiguous ranges, or,
     * for one product with fewer rows than columns (a weight's gradient: out × in from a long k), its
     * columns: every thread packs the B panels of its own columns, where a row split had each pack all of B.
     * With {@code overwrite}, C_t = A_t · B_t: C is written, never read.
     */
    private static void run(float[] c, int[] cOff, float[] a, int[] aOff, int ars, int aps,
                            float[] b, int[] bOff, int brs, int bcs, int m, int k, int n, boolean overwrite) {
        if (aOff.length != cOff.length || bOff.length != cOff.length) {
            throw new IllegalArgumentException("matmul: offset arrays for c, a, b have lengths "
                    + cOff.length + ", " + aOff.length + ", " + bOff.length + "; expected equal lengths");
        }
        if (KernelTier.reference()) {
            ReferenceMatmul.product(c, cOff, a, aOff, ars, aps, b, bOff, brs, bcs, m, k, n, overwrite);
            return;
        }
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (overwrite) for (int off : cOff) Arrays.fill(c, off, off + m * n, 0f);
            return;
        }
        if (cOff.length == 1 && m < n) {
            View cv = new View(c, cOff[0], n, 1), av = new View(a, aOff[0], ars, aps), bv = new View(b, bOff[0], brs, bcs);
            Parallel.forRange(n, rowsPerTask(k, m), (from, to) -> block(WORKSPACE.get(), cv, av, bv, k, 0, m, from, to, overwrite));
            return;
        }
        Parallel.forRange(cOff.length * m, rowsPerTask(k, n), (from, to) -> {
            Workspace ws = WORKSPACE.get();
            for (int r = from; r < to; ) {
                int t = r / m, i0 = r % m, i1 = Math.min(m, i0 + to - r);
                rows(ws, new View(c, cOff[t], n, 1), new View(a, aOff[t], ars, aps), new View(b, bOff[t], brs, bcs),
                        k, n, i0, i1, overwrite);
                r += i1 - i0;
            }
        });
    }

    /**
     * C += A·B on the calling thread alone, for kernels that already split their work over threads (attention
     * runs one product per (batch, head) pair), with general strides: C(i, j) = c[cOff + i·crs + j],
     * A(i, p) = a[aOff + i·ars + p·aps], B(p, j) = b[bOff + p·brs + j·bcs]. Same loop nest and the same
     * per-element fma order as the public products, so the same bits.
     */
    static void serial(float[] c, int cOff, int crs, float[] a, int aOff, int ars, int aps,
                       float[] b, int bOff, int brs, int bcs, int m, int k, int n) {
        if (m == 0 || k == 0 || n == 0) return;
        rows(WORKSPACE.get(), new View(c, cOff, crs, 1), new View(a, aOff, ars, aps), new View(b, bOff, brs, bcs),
                k, n, 0, m, false);
    }

    /** Rows [i0, i1) of C (n columns) += A·B, in whichever orientation suits their shape ({@link #transposed}). */
    private static void rows(Workspace ws, View c, View a, View b, int k, int n, int i0, int i1, boolean overwrite) {
        if (transposed(i1 - i0, n)) {
            block(ws, c.t(), b.t(), a.t(), k, 0, n, i0, i1, overwrite);
        } else {
            block(ws, c, a, b, k, i0, i1, 0, n, overwrite);
        }
    }

    /**
     * Whether to run the loop nest on Cᵀ += Bᵀ·Aᵀ, with the long loops over a thread's rows of C instead of
     * over its n columns: when the rows are short and there are many of them (measured: it pays up to
     * n ≈ 200 with 2048 rows; at n = 384 the direct form is faster). The Vector API kernels keep C in
     * registers, so they transpose only for a row shorter than a vector or one that would leave a ragged tail
     * (past whole strips of two vectors, or for a row narrower than a strip, past one vector).
     */
    private static boolean transposed(int rows, int n) {
        if (VectorApi.enabled()) {
            int unit = n < VectorKernel.STRIP ? VectorKernel.NARROW : VectorKernel.STRIP;
            return rows >= 2 * n && (n < VectorKernel.NARROW || n < 128 && n % unit != 0);
        }
        return n < 256 && rows >= 2 * n;
    }

    /** A matrix inside a float[]: element (i, j) is at data[off + i·rs + j·cs]. */
    private record View(float[] data, int off, int rs, int cs) {
        int at(int i, int j) {
            return off + i * rs + j * cs;
        }

        /** The transpose, without moving data. */
        View t() {
            return new View(data, off, cs, rs);
        }
    }

    /**
     * Rows [i0, i1) × columns [j0, j1) of C += A · B, blocked as described in the class comment; with
     * {@code overwrite}, C = A · B (the first depth block starts its accumulators at 0 instead of C).
     */
    private static void block(Workspace ws, View c, View a, View b, int k, int i0, int i1, int j0, int j1,
                              boolean overwrite) {
        float[][] panel = ws.panel, acc = ws.acc;
        int panels = (j1 - j0 + NC - 1) / NC, width = (j1 - j0 + panels - 1) / panels;
        for (int jc = j0; jc < j1; jc += width) {
            int w = Math.min(width, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                pack(panel, b, pc, jc, kc, w);
                boolean wideVector = VectorApi.enabled() && w >= VectorKernel.STRIP;
                if (wideVector) packStrips(ws.strips, panel, kc, w);
                boolean narrowVector = VectorApi.enabled() && !wideVector && w >= VectorKernel.NARROW;
                for (int i = i0, mr; i < i1; i += mr) {
                    boolean sixRows = wideVector && i1 - i >= VectorKernel.ROWS;
                    boolean twelveRows = narrowVector && i1 - i >= VectorKernel.NARROW_ROWS;
                    mr = sixRows ? VectorKernel.ROWS : twelveRows ? VectorKernel.NARROW_ROWS : Math.min(MR, i1 - i);
                    int ai = a.at(i, pc);
                    if (overwrite && pc == 0) {
                        for (int r = 0; r < mr; r++) Arrays.fill(acc[r], 0, w, 0f);
                    } else {
                        load(acc, mr, c, i, jc, w);
                    }
                    if (sixRows) {
                        VectorKernel.kernel6(acc, a.data, ai, a.rs, a.cs, ws.strips, panel, kc, w);
                    } else if (twelveRows) {
                        VectorKernel.kernel12(acc, a.data, ai, a.rs, a.cs, panel, kc, w);
                    } else if (mr == MR && w >= WIDE) {
                        kernel3(acc, a.data, ai, a.rs, a.cs, panel, kc, w);
                    } else if (mr == MR) {
                        kernel3Narrow(acc, a.data, ai, a.rs, a.cs, panel, kc, w);
                    } else {
                        for (int r = 0; r < mr; r++) kernel1(acc[r], a.data, ai + r * a.rs, a.cs, panel, kc, w);
                    }
                    store(acc, mr, c, i, jc, w);
                }
            }
        }
    }

    /** strips[(t·kc + p)·STRIP + x] = panel[p][t·STRIP + x]   for each whole strip t of the panel's w columns */
    private static void packStrips(float[] strips, float[][] panel, int kc, int w) {
        int strip = VectorKernel.STRIP;
        for (int t = 0; (t + 1) * strip <= w; t++) {
            for (int p = 0, x = t * strip * kc; p < kc; p++, x += strip) System.arraycopy(panel[p], t * strip, strips, x, strip);
        }
    }

    /** panel[p][j] = B(p0 + p, j0 + j)   for p < kc, j < w; then zero rows up to a multiple of 3 */
    private static void pack(float[][] panel, View b, int p0, int j0, int kc, int w) {
        for (int p = kc; p % 3 != 0; p++) Arrays.fill(panel[p], 0, w, 0f);
        float[] x = b.data;
        int o = b.at(p0, j0), rs = b.rs, cs = b.cs;
        if (cs == 1) {
            for (int p = 0; p < kc; p++) System.arraycopy(x, o + p * rs, panel[p], 0, w);
            return;
        }
        int j = 0;
        for (; j + 4 <= w; j += 4) {   // a transpose: four columns of B per pass over its rows
            int x0 = o + j * cs, x1 = x0 + cs, x2 = x1 + cs, x3 = x2 + cs;
            for (int p = 0; p < kc; p++) {
                float[] d = panel[p];
                int q = p * rs;
                d[j] = x[x0 + q];
                d[j + 1] = x[x1 + q];
                d[j + 2] = x[x2 + q];
                d[j + 3] = x[x3 + q];
            }
        }
        for (; j < w; j++) {
            for (int p = 0; p < kc; p++) panel[p][j] = x[o + j * cs + p * rs];
        }
    }

    /** acc[r][j] = C(i + r, j0 + j)   for r < mr, j < w */
    private static void load(float[][] acc, int mr, View c, int i, int j0, int w) {
        float[] x = c.data;
        int o = c.at(i, j0), rs = c.rs, cs = c.cs;
        if (cs == 1) {
            for (int r = 0; r < mr; r++) System.arraycopy(x, o + r * rs, acc[r], 0, w);
        } else if (mr == MR) {   // three neighbouring columns of the transposed C: one pass over its rows
            float[] d0 = acc[0], d1 = acc[1], d2 = acc[2];
            for (int j = 0; j < w; j++) {
                int q = o + j * cs;
                d0[j] = x[q];
                d1[j] = x[q + rs];
                d2[j] = x[q + 2 * rs];
            }
        } else {
            for (int r = 0; r < mr; r++) {
                for (int j = 0; j < w; j++) acc[r][j] = x[o + r * rs + j * cs];
            }
        }
    }

    /** C(i + r, j0 + j) = acc[r][j]   for r < mr, j < w */
    private static void store(float[][] acc, int mr, View c, int i, int j0, int w) {
        float[] x = c.data;
        int o = c.at(i, j0), rs = c.rs, cs = c.cs;
        if (cs == 1) {
            for (int r = 0; r < mr; r++) System.arraycopy(acc[r], 0, x, o + r * rs, w);
        } else if (mr == MR) {
            float[] d0 = acc[0], d1 = acc[1], d2 = acc[2];
            for (int j = 0; j < w; j++) {
                int q = o + j * cs;
                x[q] = d0[j];
                x[q + rs] = d1[j];
                x[q + 2 * rs] = d2[j];
            }
        } else {
            for (int r = 0; r < mr; r++) {
                for (int j = 0; j < w; j++) x[o + r * rs + j * cs] = acc[r][j];
            }
        }
    }

    /**
     * acc[r][j] = fma(s[o + r·rs + p·ps], panel[p][j], acc[r][j])   for r < 3, then p = 0..kc−1 in order,
     * j < w. Depths go three per pass; a last partial pass reads the panel's zero rows with coefficient
     * −0, and fma(−0, 0, x) = x exactly. (A separate loop for the leftover depths would stop C2 from
     * vectorizing this one.)
     */
    private static void kernel3(float[][] acc, float[] s, int o, int rs, int ps, float[][] panel, int kc, int w) {
        float[] d0 = acc[0], d1 = acc[1], d2 = acc[2];
        int o0 = o, o1 = o + rs, o2 = o + 2 * rs;
        for (int p = 0; p < kc; p += 3) {
            int q0 = p * ps, q1 = q0 + ps, q2 = q1 + ps;
            boolean has1 = p + 1 < kc, has2 = p + 2 < kc;
            float a00 = s[o0 + q0], a01 = has1 ? s[o0 + q1] : -0f, a02 = has2 ? s[o0 + q2] : -0f;
            float a10 = s[o1 + q0], a11 = has1 ? s[o1 + q1] : -0f, a12 = has2 ? s[o1 + q2] : -0f;
            float a20 = s[o2 + q0], a21 = has1 ? s[o2 + q1] : -0f, a22 = has2 ? s[o2 + q2] : -0f;
            float[] b0 = panel[p], b1 = panel[p + 1], b2 = panel[p + 2];
            for (int j = 0; j < w; j++) {
                float v0 = b0[j], v1 = b1[j], v2 = b2[j];
                d0[j] = Math.fma(a02, v2, Math.fma(a01, v1, Math.fma(a00, v0, d0[j])));
                d1[j] = Math.fma(a12, v2, Math.fma(a11, v1, Math.fma(a10, v0, d1[j])));
                d2[j] = Math.fma(a22, v2, Math.fma(a21, v1, Math.fma(a20, v0, d2[j])));
            }
        }
    }

    /**
     * The same loop as {@link #kernel3}, for panels narrower than {@link #WIDE}. C2 unrolls a loop only
     * as far as its profiled trip count, so narrow panels get their own copy (and profile) and cannot
     * make the JIT compile the wide loop with short vectors.
     */
    private static void kernel3Narrow(float[][] acc, float[] s, int o, int rs, int ps, float[][] panel, int kc, int w) {
        float[] d0 = acc[0], d1 = acc[1], d2 = acc[2];
        int o0 = o, o1 = o + rs, o2 = o + 2 * rs;
        for (int p = 0; p < kc; p += 3) {
            int q0 = p * ps, q1 = q0 + ps, q2 = q1 + ps;
            boolean has1 = p + 1 < kc, has2 = p + 2 < kc;
            float a00 = s[o0 + q0], a01 = has1 ? s[o0 + q1] : -0f, a02 = has2 ? s[o0 + q2] : -0f;
            float a10 = s[o1 + q0], a11 = has1 ? s[o1 + q1] : -0f, a12 = has2 ? s[o1 + q2] : -0f;
            float a20 = s[o2 + q0], a21 = has1 ? s[o2 + q1] : -0f, a22 = has2 ? s[o2 + q2] : -0f;
            float[] b0 = panel[p], b1 = panel[p + 1], b2 = panel[p + 2];
            for (int j = 0; j < w; j++) {
                float v0 = b0[j], v1 = b1[j], v2 = b2[j];
                d0[j] = Math.fma(a02, v2, Math.fma(a01, v1, Math.fma(a00, v0, d0[j])));
                d1[j] = Math.fma(a12, v2, Math.fma(a11, v1, Math.fma(a10, v0, d1[j])));
                d2[j] = Math.fma(a22, v2, Math.fma(a21, v1, Math.fma(a20, v0, d2[j])));
            }
        }
    }

    /** d[j] = fma(s[o + p·ps], panel[p][j], d[j])   for p = 0..kc−1 in order, j < w (one row of C) */
    private static void kernel1(float[] d, float[] s, int o, int ps, float[][] panel, int kc, int w) {
        for (int p = 0; p < kc; p += 3) {
            float a0 = s[o + p * ps], a1 = p + 1 < kc ? s[o + (p + 1) * ps] : -0f;
            float a2 = p + 2 < kc ? s[o + (p + 2) * ps] : -0f;
            float[] b0 = panel[p], b1 = panel[p + 1], b2 = panel[p + 2];
            for (int j = 0; j < w; j++) d[j] = Math.fma(a2, b2[j], Math.fma(a1, b1[j], Math.fma(a0, b0[j], d[j])));
        }
    }

    /** Enough rows per thread that a task does at least ~256k multiply-adds. */
    private static int rowsPerTask(int k, int n) {
        return (int) Math.max(1, (1L << 18) / ((long) k * n));
    }
}
