/**
 * Optimizers and what surrounds them in a training step, with PyTorch 1.13's semantics and float32
 * roundings ({@code torch.optim.SGD}, {@code Adam}, {@code AdamW}, {@code clip_grad_norm_}):
 * <pre>
 *   AdamW opt = AdamW.builder().lr(6e-4).betas(0.9, 0.95)
 *           .build(ParamGroup.decayAndNoDecay(model.namedParameters(), 0.1));
 *   LrSchedule schedule = LrSchedule.warmupCosine(6e-4, 6e-5, 100, 5000);
 *   for (int step = 0; step &lt; 5000; step++) {
 *       opt.zeroGrad();
 *       ... loss.backward() ...
 *       GradClip.clipGlobalNorm(model.parameters(), 1.0);
 *       opt.setLr(schedule.lr(step));
 *       opt.step();
 *   }
 *   OptimizerState saved = opt.state();   // named float arrays + string scalars; opt.loadState(saved) resumes
 * </pre>
 * {@link dev.minitape.nn.optim.Optimizer} holds {@link dev.minitape.nn.optim.ParamGroup}s and per-parameter
 * state keyed by parameter name; {@link dev.minitape.nn.optim.Sgd}, {@link dev.minitape.nn.optim.Adam} and
 * {@link dev.minitape.nn.optim.AdamW} define the update. Optimizers change parameters in place and must run
 * outside any tape.
 */
package dev.minitape.nn.optim;
