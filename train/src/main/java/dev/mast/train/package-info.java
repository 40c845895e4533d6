/**
 * Training in pure JVM: backward passes, optimisers, schedules, losses and the training loop.
 * <ul>
 *   <li>{@code optim}: AdamW (PyTorch-exact, vectorised, off-heap state), learning-rate schedules, gradient
 *       clipping;</li>
 *   <li>{@code loss}: cross-entropy (label smoothing, soft targets) and BCE-with-logits, forward and backward;</li>
 *   <li>{@code augment}: mixup, SpecAugment, feature noise and roll, time shift, background noise, crop;</li>
 *   <li>{@code random}: the seeded per-sample random streams that make runs independent of threads and resumes;</li>
 *   <li>{@code data}: data set readers (Speech Commands, folder per class, VoxCeleb, VoxForge, NSynth);</li>
 *   <li>{@code checkpoint}: atomic checkpoints and the run-folder layout;</li>
 *   <li>{@code report}: progress bar, confusion matrix, training curves;</li>
 *   <li>{@code io}: JSON and atomic file writing.</li>
 * </ul>
 */
package dev.mast.train;
