/**
 * Training in pure JVM: the supervised training loop and what it is built from.
 *
 * <h2>The loop</h2>
 * <pre>{@code
 * TrainSettings settings = ...;                       // or TrainSettings.parse(run.json)
 * RunResult r = new TrainingRun(AudioTrainingModel::create, System.out, ProgressBar.forStandardOutput())
 *         .start(settings, Path.of("runs/kws"));      // or .resume(Path.of("runs/kws"), 0, null)
 * }</pre>
 * <ul>
 *   <li>{@link dev.mast.train.TrainingRun}: lists the data ({@link dev.mast.train.TrainingData}), computes the
 *       normalisation, builds the model through a {@link dev.mast.train.TrainingModelFactory}, writes
 *       {@code run.json} and runs the {@link dev.mast.train.Trainer};</li>
 *   <li>{@link dev.mast.train.Trainer}: epochs of seeded, augmented, prefetched batches, one
 *       {@link dev.mast.train.TrainingStep} each (forward, loss, backward, clipping, AdamW, cosine schedule with
 *       warm-up), validation ({@link dev.mast.train.Evaluator}), the best model file, resumable checkpoints, and at
 *       the end the test figures and reports ({@link dev.mast.train.RunReport});</li>
 *   <li>{@link dev.mast.train.TrainingModel}: the model as the loop sees it, a {@link dev.mast.model.Trainable}
 *       plus inference and the model file; {@link dev.mast.train.AudioTrainingModel} is MAST/AST;</li>
 *   <li>settings: {@link dev.mast.train.TrainSettings} ({@link dev.mast.train.DataSettings},
 *       {@link dev.mast.train.OptimSettings}, {@code augment.AugmentSettings}), defaults and their rationale in
 *       {@link dev.mast.train.TrainDefaults}, data set layouts in {@link dev.mast.train.Task}.</li>
 * </ul>
 * The same settings, data and thread count give the same run bit for bit, and a run resumed from a checkpoint (after
 * a crash or {@code kill -9}) ends exactly as the uninterrupted run.
 *
 * <h2>Parts</h2>
 * <ul>
 *   <li>{@code optim}: AdamW (PyTorch-exact, vectorised, off-heap state), learning-rate schedules, gradient
 *       clipping;</li>
 *   <li>{@code loss}: cross-entropy (label smoothing, soft targets) and BCE-with-logits, forward and backward;</li>
 *   <li>{@code augment}: mixup, SpecAugment, feature noise and roll, time shift, background noise, crop;</li>
 *   <li>{@code random}: the seeded per-sample random streams that make runs independent of threads and resumes;</li>
 *   <li>{@code data}: data set readers (Speech Commands, folder per class, VoxCeleb, VoxForge, NSynth) and the
 *       prefetching batch pipeline;</li>
 *   <li>{@code features}: clips to model inputs (decoding, front end, normalisation, feature cache);</li>
 *   <li>{@code checkpoint}: atomic checkpoints and the run-folder layout;</li>
 *   <li>{@code report}: progress bar, confusion matrix, training curves;</li>
 *   <li>{@code io}: JSON and atomic file writing.</li>
 * </ul>
 */
package dev.mast.train;
