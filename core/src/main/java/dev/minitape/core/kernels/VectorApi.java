package dev.minitape.core.kernels;

/**
 * The switch for the optional Vector API kernels ({@link VectorKernel} for matmul, {@link VectorExp} for
 * exponentials): on when the JVM was started with {@code --add-modules jdk.incubator.vector}, off (and those
 * classes never loaded) on a stock JVM. Each gives the same bits as its plain-Java counterpart; tests switch
 * it off and on to check that.
 */
public final class VectorApi {
    private VectorApi() {}

    private static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static volatile boolean enabled = PRESENT;

    /** Whether the Vector API kernels run. */
    public static boolean enabled() {
        return enabled;
    }

    /** Selects the Vector API kernels (true; only possible with the module present) or the plain ones. */
    static void use(boolean on) {
        if (on && !PRESENT) {
            throw new IllegalStateException("the Vector API kernels need --add-modules jdk.incubator.vector");
        }
        enabled = on;
    }
}
