/** Training data: tokenized text datasets, batches of windows, the built-in synthetic corpus. */
package dev.minitape.lm.data;
