/** Modules, parameters and layers built from core ops; optimizers live in {@code dev.minitape.nn.optim}. */
package dev.minitape.nn;
