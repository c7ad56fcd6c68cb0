package dev.minitape.core.kernels;

import java.util.function.Supplier;

/** For tests that compare the Vector API kernels (on: core's tests run with the module) with the plain ones. */
final class PlainKernels {
    private PlainKernels() {}

    /** work's result, computed with the plain kernels; the Vector API ones are back on afterwards. */
    static <T> T compute(Supplier<T> work) {
        VectorApi.use(false);
        try {
            return work.get();
        } finally {
            VectorApi.use(true);
        }
    }

    /** Runs work with the plain kernels; the Vector API ones are back on afterwards. */
    static void run(Runnable work) {
        compute(() -> {
            work.run();
            return null;
        });
    }
}
