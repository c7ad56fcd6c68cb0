/**
 * Tokenizers: text to token ids and back. {@link dev.minitape.lm.tokenizer.CharTokenizer} has one token
 * per character of its training text; {@link dev.minitape.lm.tokenizer.ByteBpeTokenizer} is byte-level
 * BPE, trained with incremental pair counts and able to encode any bytes. Both save to JSON (atomically)
 * and {@link dev.minitape.lm.tokenizer.Tokenizer#load} reads either back, rejecting any malformed file
 * with a {@link dev.minitape.lm.tokenizer.TokenizerFormatException} that names the file and the problem.
 */
package dev.minitape.lm.tokenizer;
