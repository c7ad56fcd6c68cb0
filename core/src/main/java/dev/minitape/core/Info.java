package dev.minitape.core;

/**
 * Information theory on discrete distributions, in nats (natural log) unless bits are asked for.
 * <pre>
 *   information  I(p)     = −log p
 *   entropy      H(p)     = −Σ p_i log p_i
 *   cross-entropy H(p, q) = −Σ p_i log q_i   = H(p) + D(p‖q)
 *   KL divergence D(p‖q)  =  Σ p_i log(p_i / q_i) ≥ 0, zero iff q = p
 * </pre>
 * Terms with p_i = 0 contribute 0 (0·log 0 = 0); a q_i = 0 where p_i > 0 makes H(p, q) and D(p‖q)
 * infinite. Inputs must be distributions: finite, non-negative, summing to 1 within 1e-6.
 */
public final class Info {
    private Info() {}

    /** The unit of the result: nats (ln) or bits (log₂); 1 bit = ln 2 nats. */
    public enum Unit {
        NATS(1.0), BITS(1.0 / Math.log(2.0));

        private final double perNat;

        Unit(double perNat) {
            this.perNat = perNat;
        }

        double fromNats(double nats) {
            return nats * perNat;
        }
    }

    private static final double SUM_TOLERANCE = 1e-6;

    /** −log p, the surprise of an event of probability p in (0, 1]. */
    public static double information(double p) {
        return information(p, Unit.NATS);
    }

    public static double information(double p, Unit unit) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("Info.information: probability " + p + " must be in (0, 1]");
        }
        return unit.fromNats(-Math.log(p));
    }

    public static double entropy(double[] p) {
        return entropy(p, Unit.NATS);
    }

    public static double entropy(double[] p, Unit unit) {
        check("entropy", "p", p);
        return unit.fromNats(crossEntropyNats(p, p));
    }

    public static double crossEntropy(double[] p, double[] q) {
        return crossEntropy(p, q, Unit.NATS);
    }

    public static double crossEntropy(double[] p, double[] q, Unit unit) {
        checkPair("crossEntropy", p, q);
        return unit.fromNats(crossEntropyNats(p, q));
    }

    /** H(p, q) = −Σ_i p_i·ln q_i in nats over the classes with p_i > 0 (0·ln 0 counts as 0); H(p, p) = H(p). */
    private static double crossEntropyNats(double[] p, double[] q) {
        double h = 0;
        for (int i = 0; i < p.length; i++) if (p[i] > 0) h -= p[i] * Math.log(q[i]);
        return h;
    }

    public static double kl(double[] p, double[] q) {
        return kl(p, q, Unit.NATS);
    }

    public static double kl(double[] p, double[] q, Unit unit) {
        checkPair("kl", p, q);
        double d = 0;
        for (int i = 0; i < p.length; i++) if (p[i] > 0) d += p[i] * Math.log(p[i] / q[i]);
        return unit.fromNats(d);
    }

    private static void checkPair(String op, double[] p, double[] q) {
        check(op, "p", p);
        check(op, "q", q);
        if (p.length != q.length) {
            throw new IllegalArgumentException("Info." + op + ": p has " + p.length + " outcomes but q has " + q.length);
        }
    }

    private static void check(String op, String name, double[] d) {
        if (d.length == 0) throw new IllegalArgumentException("Info." + op + ": " + name + " is empty");
        double sum = 0;
        for (int i = 0; i < d.length; i++) {
            if (!(d[i] >= 0) || Double.isInfinite(d[i])) {
                throw new IllegalArgumentException("Info." + op + ": " + name + "[" + i + "] = " + d[i]
                        + " is not a probability (expected a finite number >= 0)");
            }
            sum += d[i];
        }
        if (Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new IllegalArgumentException("Info." + op + ": " + name + " sums to " + sum
                    + ", not 1: not a distribution (normalize it first)");
        }
    }
}
