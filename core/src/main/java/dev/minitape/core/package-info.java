/**
 * Tensors and the tape autograd engine: {@link dev.minitape.core.Tensor}, {@link dev.minitape.core.Tape},
 * {@link dev.minitape.core.GradCheck}, {@link dev.minitape.core.Rng}.
 *
 * <p>Size names used throughout minitape's kernels and docs: {@code B} batch, {@code T} time (sequence
 * length), {@code C} channels (embedding width), {@code V} vocabulary (classes), {@code H} heads,
 * {@code N} rows (B·T when a batch is flattened).
 */
package dev.minitape.core;
