/**
 * Figures of a model's predictions on held-out positions: NLL, top-1 and top-5 accuracy, calibration
 * (ECE over confidence bins, Brier score), entropy, temperature scaling, the smoothed objective's floor,
 * and the reliability diagram.
 */
package dev.minitape.lm.eval;
