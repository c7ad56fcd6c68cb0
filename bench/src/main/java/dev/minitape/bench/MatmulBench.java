package dev.minitape.bench;

import dev.minitape.core.kernels.Matmul;
import dev.minitape.core.kernels.Parallel;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ejml.concurrency.EjmlConcurrency;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * minitape's matmul kernel beside EJML on the same shapes, time per product (GFLOP/s = 2·m·k·n / time).
 * minitape accumulates (c += a·b); EJML's {@code mult} overwrites (c = a·b). With threads = 2 EJML runs
 * its concurrent {@code CommonOps_MT_FDRM} on 2 threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MatmulBench {

    /** Random operands for an m×k by k×n product, as float[] for minitape and as EJML matrices. */
    public abstract static class Operands {
        int m, k, n;
        float[] a, b, c;
        FMatrixRMaj am, bm, cm, aT, bT;

        void init(String shape, int threads) {
            String[] mkn = shape.split("x");
            m = Integer.parseInt(mkn[0]);
            k = Integer.parseInt(mkn[1]);
            n = Integer.parseInt(mkn[2]);
            Random rnd = new Random(42);
            a = random(rnd, m * k);
            b = random(rnd, k * n);
            c = new float[m * n];
            am = FMatrixRMaj.wrap(m, k, a);
            bm = FMatrixRMaj.wrap(k, n, b);
            aT = FMatrixRMaj.wrap(k, m, a);   // the same numbers read as the stored forms of nt and tn
            bT = FMatrixRMaj.wrap(n, k, b);
            cm = new FMatrixRMaj(m, n);
            Parallel.setThreads(threads);
            EjmlConcurrency.setMaxThreads(threads);
        }

        private static float[] random(Random rnd, int size) {
            float[] x = new float[size];
            for (int i = 0; i < size; i++) x[i] = rnd.nextFloat() * 2 - 1;
            return x;
        }
    }

    /** All shapes, for the nn layout. */
    @State(Scope.Benchmark)
    public static class Shapes extends Operands {
        @Param({"2048x128x384", "2048x512x128", "2048x128x65", "512x512x512", "1024x1024x1024", "2048x2048x2048"})
        public String shape;

        @Param({"1", "2"})
        public int threads;

        @Setup
        public void setup() {
            init(shape, threads);
        }
    }

    /** The first shape in the layouts of the backward pass of y = x·W: nt (dx = dy·Wᵀ) and tn (dW = xᵀ·dy). */
    @State(Scope.Benchmark)
    public static class Backward extends Operands {
        @Param({"2048x128x384"})
        public String shape;

        @Param({"1", "2"})
        public int threads;

        @Setup
        public void setup() {
            init(shape, threads);
        }
    }

    @Benchmark
    public float[] minitapeNn(Shapes s) {
        Matmul.nn(s.c, 0, s.a, 0, s.b, 0, s.m, s.k, s.n);
        return s.c;
    }

    @Benchmark
    public FMatrixRMaj ejmlNn(Shapes s) {
        return s.threads == 1 ? CommonOps_FDRM.mult(s.am, s.bm, s.cm) : CommonOps_MT_FDRM.mult(s.am, s.bm, s.cm);
    }

    @Benchmark
    public float[] minitapeNt(Backward s) {
        Matmul.nt(s.c, 0, s.a, 0, s.b, 0, s.m, s.k, s.n);
        return s.c;
    }

    @Benchmark
    public FMatrixRMaj ejmlNt(Backward s) {
        return s.threads == 1 ? CommonOps_FDRM.multTransB(s.am, s.bT, s.cm)
                : CommonOps_MT_FDRM.multTransB(s.am, s.bT, s.cm);
    }

    @Benchmark
    public float[] minitapeTn(Backward s) {
        Matmul.tn(s.c, 0, s.a, 0, s.b, 0, s.m, s.k, s.n);
        return s.c;
    }

    @Benchmark
    public FMatrixRMaj ejmlTn(Backward s) {
        return s.threads == 1 ? CommonOps_FDRM.multTransA(s.aT, s.bm, s.cm)
                : CommonOps_MT_FDRM.multTransA(s.aT, s.bm, s.cm);
    }
}
