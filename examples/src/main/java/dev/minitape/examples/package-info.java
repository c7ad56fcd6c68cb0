/** The {@code minitape} command line (picocli): train, sample, eval, copy, explain. */
package dev.minitape.examples;
