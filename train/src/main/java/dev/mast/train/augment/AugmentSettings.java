package dev.mast.train.augment;

/**
 * Which training augmentations run and with what parameters. A zero probability, width or range turns a step off.
 *
 * @param mixupProbability      waveform mixup probability p (AST Speech Commands: 0.6)
 * @param mixupAlpha            α of λ ~ Beta(α, α) (AST: 10)
 * @param cropSamples           random training crop / centre evaluation crop to this many samples; 0: keep the clip
 *                              length (the AST path pads or crops frames after the fbank instead)
 * @param timeShiftSamples      largest waveform time shift in samples
 * @param backgroundProbability chance of mixing in background noise (needs noise recordings)
 * @param backgroundMinSnrDb    lowest background SNR in dB
 * @param backgroundMaxSnrDb    highest background SNR in dB
 * @param freqMask              SpecAugment frequency-mask parameter F in bins (AST Speech Commands: 48)
 * @param timeMask              SpecAugment time-mask parameter T in frames (AST Speech Commands: 48)
 * @param featureNoise          AST's feature noise + roll (spec §1.2 step 6)
 * @param maxRoll               R of the roll range −R .. R−1 frames (AST: 10)
 */
public record AugmentSettings(double mixupProbability, double mixupAlpha, int cropSamples, int timeShiftSamples,
                              double backgroundProbability, double backgroundMinSnrDb, double backgroundMaxSnrDb,
                              int freqMask, int timeMask, boolean featureNoise, int maxRoll) {

    /** No augmentation at all. */
    public static AugmentSettings none() {
        return new AugmentSettings(0, 10, 0, 0, 0, 0, 0, 0, 0, false, 0);
    }

    /**
     * AST's Speech Commands V2 recipe (spec §1.2 table): mixup 0.6 with Beta(10, 10), SpecAugment F = T = 48, feature
     * noise with a ±10-frame roll; no waveform shift or background noise.
     */
    public static AugmentSettings astSpeechCommands() {
        return new AugmentSettings(0.6, 10, 0, 0, 0, 0, 0, 48, 48, true, 10);
    }

    /** These settings with background noise mixed in with {@code probability} at an SNR in [min, max) dB. */
    public AugmentSettings withBackgroundNoise(double probability, double minSnrDb, double maxSnrDb) {
        return new AugmentSettings(mixupProbability, mixupAlpha, cropSamples, timeShiftSamples, probability, minSnrDb,
                maxSnrDb, freqMask, timeMask, featureNoise, maxRoll);
    }

    /** These settings with a waveform time shift of up to {@code samples}. */
    public AugmentSettings withTimeShift(int samples) {
        return new AugmentSettings(mixupProbability, mixupAlpha, cropSamples, samples, backgroundProbability,
                backgroundMinSnrDb, backgroundMaxSnrDb, freqMask, timeMask, featureNoise, maxRoll);
    }

    /** These settings with a waveform crop window of {@code samples} (0: none). */
    public AugmentSettings withCrop(int samples) {
        return new AugmentSettings(mixupProbability, mixupAlpha, samples, timeShiftSamples, backgroundProbability,
                backgroundMinSnrDb, backgroundMaxSnrDb, freqMask, timeMask, featureNoise, maxRoll);
    }
}
