/**
 * Plain loops over float arrays and ints: no Tensor, no Tape. The hot loops of minitape live here,
 * multithreaded over independent output rows through {@link dev.minitape.core.kernels.Parallel}.
 * Kernels take outputs first, then inputs, then sizes; every write into a gradient is {@code +=}.
 *
 * <p><b>The vectorization rule.</b> JDK 17's C2 turns a loop into SIMD instructions only when every array
 * in it is indexed by the same expression of the loop counter (two rows of one array at different offsets
 * already stop it) and the body is small enough to unroll. So the hot loops run on small per-thread scratch
 * arrays indexed from 0: a block of input is copied in, the loop runs there, the result is copied out. The
 * kernels' comments point here instead of repeating this.
 *
 * <p>Each public entry point first asks {@link dev.minitape.core.kernels.KernelTier} whether the reference
 * tier ({@link dev.minitape.core.kernels.reference}) runs instead. Measured timings of these kernels live
 * in {@code bench/results/kernel-notes.md}, not in their comments.
 */
package dev.minitape.core.kernels;
