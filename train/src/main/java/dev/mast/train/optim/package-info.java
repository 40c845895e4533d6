/**
 * Optimisation: {@link dev.mast.train.optim.AdamW} (decoupled weight decay exactly as {@code torch.optim.AdamW},
 * optional no-decay kinds, off-heap state with save/load), {@link dev.mast.train.optim.LearningRateSchedule}s (cosine
 * with linear warm-up per step; AST's MultiStepLR with its staircase warm-up) and
 * {@link dev.mast.train.optim.GradientClipping} by the global L2 norm with a thread-count-independent reduction.
 *
 * <p>Order of a step in the loop: zero the gradients, forward, loss backward, {@code GradientClipping.clip} (if
 * used), {@code adamw.step(schedule.learningRate(globalStep, epoch))}, then {@code globalStep++}.
 */
package dev.mast.train.optim;
