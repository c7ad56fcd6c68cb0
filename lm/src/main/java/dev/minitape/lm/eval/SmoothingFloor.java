package dev.minitape.lm.eval;

/**
 * The lowest value the label-smoothed cross-entropy can reach. With smoothing ε over V classes the
 * target of a position is q = (1 − ε)·onehot(y) + ε/V, and the loss is the cross-entropy H(q, p) =
 * H(q) + D(q‖p) ≥ H(q), reached only when the model predicts p = q. So the floor is
 * <pre>
 *   H(q) = −(1 − ε + ε/V)·ln(1 − ε + ε/V) − (V − 1)·(ε/V)·ln(ε/V)      (nats per token)
 * </pre>
 * however well the model knows the data: a smoothed training loss is read against this, not against 0.
 */
public final class SmoothingFloor {
    private SmoothingFloor() {}

    public static double nats(double epsilon, int vocab) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("SmoothingFloor: epsilon must be in [0, 1], got " + epsilon);
        }
        if (vocab < 1) throw new IllegalArgumentException("SmoothingFloor: vocab must be positive, got " + vocab);
        double onTarget = 1 - epsilon + epsilon / vocab, offTarget = epsilon / vocab;
        return -xLogX(onTarget) - (vocab - 1) * xLogX(offTarget);
    }

    /** x·ln x, with 0·ln 0 = 0. */
    private static double xLogX(double x) {
        return x == 0 ? 0 : x * Math.log(x);
    }
}
