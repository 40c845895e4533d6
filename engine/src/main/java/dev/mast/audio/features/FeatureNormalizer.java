package dev.mast.audio.features;

/**
 * AST's per-dataset normalisation x ← (x - mean) / (2·std) (spec §1.2 step 5; note the factor 2), with the
 * constants of spec §1.2. Computed in float32 as the reference does.
 *
 * @param mean the dataset's mean of the un-normalised log-mel values
 * @param std  their standard deviation, positive
 */
public record FeatureNormalizer(float mean, float std) {
    public static final FeatureNormalizer AUDIOSET = new FeatureNormalizer(-4.2677393f, 4.5689974f);
    public static final FeatureNormalizer ESC50 = new FeatureNormalizer(-6.6268077f, 5.358466f);
    public static final FeatureNormalizer SPEECH_COMMANDS = new FeatureNormalizer(-6.845978f, 5.5654526f);

    public FeatureNormalizer {
        if (!(std > 0) || !Float.isFinite(std) || !Float.isFinite(mean)) {
            throw new IllegalArgumentException("normalisation needs a finite mean and a positive std, got mean "
                    + mean + ", std " + std);
        }
    }

    /** A new spectrogram with every value normalised. */
    public LogMel apply(LogMel m) {
        float[] out = m.data().clone();
        applyInPlace(out);
        return new LogMel(m.frames(), m.bins(), out);
    }

    /** Normalises {@code values} in place. */
    public void applyInPlace(float[] values) {
        float twoStd = 2f * std;
        for (int i = 0; i < values.length; i++) values[i] = (values[i] - mean) / twoStd;
    }
}
