package dev.minitape.nn;

import dev.minitape.core.Tensor;

/**
 * A tensor a module learns: it always requires grad, and optimizers update its values in place
 * between steps (outside any tape). Its name is its dotted path in the module tree
 * ({@link Module#namedParameters()}).
 */
public final class Parameter extends Tensor {

    public Parameter(float[] data, int... shape) {
        super(data, shape);
        requiresGrad(true);
    }

    /** A parameter holding a copy of {@code t}'s values. */
    public static Parameter of(Tensor t) {
        return new Parameter(t.toArray(), t.shape());
    }

    /** Overwrites the values (same element count) with {@code values}, e.g. when loading a checkpoint. */
    public void set(float[] values) {
        float[] d = data();
        if (values.length != d.length) {
            throw new IllegalArgumentException("Parameter.set: " + values.length + " values for a parameter of "
                    + d.length + " elements");
        }
        System.arraycopy(values, 0, d, 0, d.length);
    }
}
