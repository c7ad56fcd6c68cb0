/** Language models: BigramLm, MlpLm and Gpt, all producing next-token logits (B, T, V). */
package dev.minitape.lm.model;
