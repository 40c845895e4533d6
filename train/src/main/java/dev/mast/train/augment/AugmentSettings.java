package dev.mast.train.augment;

import dev.mast.engine.io.JsonFields;

import java.util.LinkedHashMap;
import java.util.Map;

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
 * @param speedChange           δ of the speed perturbation: rates in [1 − δ, 1 + δ]; 0: off
 * @param frequencyWarp         δ of the frequency warp: factors in [1 − δ, 1 + δ]; 0: off
 */
public record AugmentSettings(double mixupProbability, double mixupAlpha, int cropSamples, int timeShiftSamples,
                              double backgroundProbability, double backgroundMinSnrDb, double backgroundMaxSnrDb,
                              int freqMask, int timeMask, boolean featureNoise, int maxRoll,
                              double speedChange, double frequencyWarp) {

    /** No augmentation at all. */
    public static AugmentSettings none() {
        return new AugmentSettings(0, 10, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 0);
    }

    /**
     * AST's Speech Commands V2 recipe (spec §1.2 table): mixup 0.6 with Beta(10, 10), SpecAugment F = T = 48, feature
     * noise with a ±10-frame roll; no waveform shift or background noise.
     */
    public static AugmentSettings astSpeechCommands() {
        return new AugmentSettings(0.6, 10, 0, 0, 0, 0, 0, 48, 48, true, 10, 0, 0);
    }

    /** These settings with background noise mixed in with {@code probability} at an SNR in [min, max) dB. */
    public AugmentSettings withBackgroundNoise(double probability, double minSnrDb, double maxSnrDb) {
        return new AugmentSettings(mixupProbability, mixupAlpha, cropSamples, timeShiftSamples, probability, minSnrDb,
                maxSnrDb, freqMask, timeMask, featureNoise, maxRoll, speedChange, frequencyWarp);
    }

    /** These settings with a waveform time shift of up to {@code samples}. */
    public AugmentSettings withTimeShift(int samples) {
        return new AugmentSettings(mixupProbability, mixupAlpha, cropSamples, samples, backgroundProbability,
                backgroundMinSnrDb, backgroundMaxSnrDb, freqMask, timeMask, featureNoise, maxRoll, speedChange,
                frequencyWarp);
    }

    /** These settings with a waveform crop window of {@code samples} (0: none). */
    public AugmentSettings withCrop(int samples) {
        return new AugmentSettings(mixupProbability, mixupAlpha, samples, timeShiftSamples, backgroundProbability,
                backgroundMinSnrDb, backgroundMaxSnrDb, freqMask, timeMask, featureNoise, maxRoll, speedChange,
                frequencyWarp);
    }

    /** The settings as a JSON object (a run's {@code run.json}). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mixup_probability", mixupProbability);
        m.put("mixup_alpha", mixupAlpha);
        m.put("crop_samples", cropSamples);
        m.put("time_shift_samples", timeShiftSamples);
        m.put("background_probability", backgroundProbability);
        m.put("background_min_snr_db", backgroundMinSnrDb);
        m.put("background_max_snr_db", backgroundMaxSnrDb);
        m.put("freq_mask", freqMask);
        m.put("time_mask", timeMask);
        m.put("feature_noise", featureNoise);
        m.put("max_roll", maxRoll);
        m.put("speed_change", speedChange);
        m.put("frequency_warp", frequencyWarp);
        return m;
    }

    /** Reads what {@link #toJson()} wrote; errors name the field. */
    public static AugmentSettings fromJson(JsonFields f) {
        return new AugmentSettings(f.number("mixup_probability"), f.number("mixup_alpha"),
                (int) f.integer("crop_samples", 0, Integer.MAX_VALUE),
                (int) f.integer("time_shift_samples", 0, Integer.MAX_VALUE), f.number("background_probability"),
                f.number("background_min_snr_db"), f.number("background_max_snr_db"),
                (int) f.integer("freq_mask", 0, Integer.MAX_VALUE), (int) f.integer("time_mask", 0, Integer.MAX_VALUE),
                f.bool("feature_noise"), (int) f.integer("max_roll", 0, Integer.MAX_VALUE),
                f.number("speed_change", 0), f.number("frequency_warp", 0));
    }
}
