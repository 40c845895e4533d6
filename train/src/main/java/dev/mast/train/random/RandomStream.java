package dev.mast.train.random;

/**
 * The independent random streams of a training run. Each has a fixed numeric id that enters the seed derivation
 * (see {@link SampleKey}); the ids never change meaning, so adding a stream or switching one augmentation off leaves
 * the draws of every other stream as they were.
 */
public enum RandomStream {
    /** The order of the training clips in an epoch ({@link EpochShuffle}). */
    SHUFFLE(1),
    /** Whether to mix up, the partner clip and λ. */
    MIXUP(2),
    /** Waveform time shift. */
    TIME_SHIFT(3),
    /** Background-noise mixing: whether, which file, where in it, and the SNR. */
    BACKGROUND_NOISE(4),
    /** SpecAugment frequency and time masks. */
    SPEC_AUGMENT(5),
    /** Additive feature noise and the time roll. */
    FEATURE_NOISE(6),
    /** Where a crop window starts in a clip longer than the window (random crops of long clips). */
    CROP(7),
    /** Stochastic model regularisers drawn per training step (drop-path); index = step, epoch = 0. */
    MODEL(8),
    /** The model's initial parameters (one draw of a seed at epoch 0, position 0). */
    INIT(9),
    /** Speed perturbation: the rate. */
    SPEED(10),
    /** Frequency warp: the factor. */
    FREQUENCY_WARP(11);

    private final int id;

    RandomStream(int id) {
        this.id = id;
    }

    /** The stream's fixed id. */
    public int id() {
        return id;
    }
}
