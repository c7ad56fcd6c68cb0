/**
 * The differentiable ops, one class per family. Each op computes its output with a plain loop or a
 * kernel and records, right under it, the closure that turns the output's gradient into its inputs'.
 */
package dev.minitape.core.ops;
