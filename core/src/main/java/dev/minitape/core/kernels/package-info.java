/**
 * Plain loops over float arrays and ints: no Tensor, no Tape. The hot loops of minitape live here,
 * multithreaded over independent output rows through {@link dev.minitape.core.kernels.Parallel}.
 * Kernels take outputs first, then inputs, then sizes; every write into a gradient is {@code +=}.
 */
package dev.minitape.core.kernels;
