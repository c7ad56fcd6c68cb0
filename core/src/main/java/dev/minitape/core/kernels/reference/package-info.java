/**
 * The reference tier: the textbook version of every fast kernel in {@link dev.minitape.core.kernels}, one
 * formula per method, in double where a sum is taken, on one thread, with no blocking, scratch or vector
 * tricks. They exist to be read first and to check the fast kernels against (ReferenceKernelsTest), and
 * they run in place of the fast ones when {@code -Dminitape.kernels=reference} (or the CLI's
 * {@code --kernels reference}) selects them: see {@link dev.minitape.core.kernels.KernelTier}. Each class
 * keeps its fast twin's argument order and output contract (which outputs are added into, which written).
 */
package dev.minitape.core.kernels.reference;
