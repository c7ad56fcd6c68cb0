package dev.minitape.core.kernels;

/**
 * Which kernels compute, for the whole process: the fast ones in this package (the default) or the textbook
 * ones in {@link dev.minitape.core.kernels.reference}, which read as their formulas. Chosen by the system
 * property {@code minitape.kernels=fast|reference}, read when a kernel first asks, or by {@link #select}
 * (the CLI's {@code --kernels}) before anything computes. Each fast kernel's public entry point asks
 * {@link #reference()} and hands the call to its reference twin, so the ops never know which tier runs.
 */
public final class KernelTier {
    private KernelTier() {}

    /** The system property that selects the tier. */
    public static final String PROPERTY = "minitape.kernels";

    private static volatile Boolean reference;                    // null until chosen or first asked

    /** Whether the reference kernels run; an unknown value of the property is an IllegalArgumentException. */
    public static boolean reference() {
        Boolean chosen = reference;
        if (chosen == null) reference = chosen = isReference(System.getProperty(PROPERTY, "fast"));
        return chosen;
    }

    /** The running tier's name: "fast" or "reference". */
    public static String current() {
        return reference() ? "reference" : "fast";
    }

    /** Selects the tier by name ("fast" or "reference") for every kernel call from now on. */
    public static void select(String name) {
        reference = isReference(name);
    }

    private static boolean isReference(String name) {
        if (name.equals("reference")) return true;
        if (name.equals("fast")) return false;
        throw new IllegalArgumentException(PROPERTY + " is '" + name + "'; expected fast or reference");
    }
}
