package dev.minitape.core;

/**
 * A seeded random number generator that gives the same numbers on every machine and JVM: SplitMix64
 * (Steele, Lea and Flood 2014) for the bits, StrictMath for the transcendental functions. Its whole
 * state is one long, so it can be saved and restored exactly.
 */
public final class Rng {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** The current state; {@code new Rng(rng.state())} continues the same stream. */
    public long state() {
        return state;
    }

    /** Continues from a state saved with {@link #state()} (resuming a run exactly). */
    public void setState(long state) {
        this.state = state;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound), without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("nextInt: bound must be positive, got " + bound);
        // Rejection sampling on 31 bits: reject the top partial block so every residue is equally likely.
        int r;
        int limit = Integer.MAX_VALUE - (int) ((Integer.MAX_VALUE + 1L) % bound);
        do {
            r = (int) (nextLong() >>> 33);
        } while (r > limit);
        return r % bound;
    }

    /** Standard normal by the Box-Muller transform: sqrt(-2 ln u1) * cos(2 pi u2), u1 in (0, 1]. */
    public float nextGaussian() {
        double u1 = 1.0 - nextDouble();
        double u2 = nextDouble();
        return (float) (StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2));
    }
}
