package dev.minitape.nn;

import dev.minitape.core.Tensor;

/** A module that maps one tensor to one tensor, so layers can be chained ({@link Sequential}). */
public interface Layer {
    Tensor forward(Tensor x);
}
