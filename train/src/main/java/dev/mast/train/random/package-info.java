/**
 * Deterministic randomness for training: every random draw of a run is a pure function of the run's seed and a few
 * counters, so results never depend on thread count, on the order in which a parallel pipeline finishes samples, or
 * on where a run was interrupted and resumed.
 *
 * <h2>The derivation scheme</h2>
 * A draw site is identified by a {@link dev.mast.train.random.SampleKey} (seed, epoch, position) and a
 * {@link dev.mast.train.random.RandomStream} (what the draws are for, with a fixed numeric id). With
 * {@code mix64} the SplitMix64 finaliser (a bijection on 64-bit integers) and G = 0x9E3779B97F4A7C15:
 * <pre>
 *   z = mix64(seed)
 *   z = mix64(z ^ G·stream.id)
 *   z = mix64(z ^ G·(epoch + 1))
 *   z = mix64(z ^ G·(position + 1))
 *   generator = new java.util.SplittableRandom(z)
 * </pre>
 * <ul>
 *   <li><b>seed</b>: the run's root seed ({@code --seed}).</li>
 *   <li><b>epoch</b>: 0-based epoch.</li>
 *   <li><b>position</b>: 0-based position of the sample in the epoch's visiting order, i.e. the index into
 *       {@link dev.mast.train.random.EpochShuffle#order}(seed, epoch, n). The batch of a sample is position / B.</li>
 *   <li><b>stream</b>: one generator per augmentation step (crop, mixup, time shift, background noise, SpecAugment,
 *       feature noise), so switching one step off or changing its parameters leaves the draws of all others alone.
 *       Each step documents the order of its own draws.</li>
 * </ul>
 * The epoch order itself is Fisher–Yates driven by the {@code SHUFFLE} stream at (seed, epoch, position 0).
 * Per-step model randomness (drop-path) uses stream {@code MODEL} at (seed, epoch 0, position = global step).
 *
 * <h2>Consequences</h2>
 * <ul>
 *   <li>Any worker thread may build any sample: it creates the sample's generators from its key.</li>
 *   <li>A checkpoint needs no generator state: seed, epoch, the next batch index and the global step restore every
 *       generator exactly ({@code dev.mast.train.checkpoint.TrainingCheckpoint}).</li>
 *   <li>Changing the batch size does not change a sample's augmentation, only how samples are grouped.</li>
 * </ul>
 * The generators are {@link java.util.SplittableRandom} (SplitMix64 for a seeded instance); bounded integers,
 * floats and Gaussians come from its own methods. The same JDK gives the same draws; identical draws across JDK
 * versions are likely but not promised by the JDK. {@code TrainingCheckpoint.RNG_SCHEME} names this scheme so that an
 * incompatible change of the derivation is detected on resume.
 */
package dev.mast.train.random;
