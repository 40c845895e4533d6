package dev.mast.train.augment;

import dev.mast.train.random.RandomStream;
import dev.mast.train.random.SampleKey;

import java.io.IOException;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Turns one training clip into one augmented model input, in the order of spec §1.2 (AST's PSLA pipeline) with the
 * waveform augmentations of keyword spotting added before the front end:
 * <ol>
 *   <li>crop to the window (if {@code cropSamples} &gt; 0), random start — stream {@link RandomStream#CROP}</li>
 *   <li>waveform mixup with a random training clip — {@link RandomStream#MIXUP} (the partner's crop continues the
 *       {@code CROP} generator)</li>
 *   <li>speed perturbation — {@link RandomStream#SPEED}</li>
 *   <li>time shift — {@link RandomStream#TIME_SHIFT}</li>
 *   <li>background noise at a random SNR — {@link RandomStream#BACKGROUND_NOISE}</li>
 *   <li>front end: fbank, padded or cropped to the fixed frame count (un-normalised)</li>
 *   <li>frequency warp — {@link RandomStream#FREQUENCY_WARP}</li>
 *   <li>SpecAugment, frequency then time mask, masked cells 0 — {@link RandomStream#SPEC_AUGMENT}</li>
 *   <li>normalisation</li>
 *   <li>feature noise and roll — {@link RandomStream#FEATURE_NOISE}</li>
 * </ol>
 * Each step draws from its own generator, derived from the sample's {@link SampleKey}; so the result depends only on
 * (seed, epoch, position, clip), never on threads or on which steps are switched on. Safe to call from several
 * threads at once if the {@link ClipSource}, {@link FrontEnd} and {@link Normalizer} are.
 *
 * <p>When no waveform step (1–5) is on, the features of the unmodified clip come from
 * {@link ClipSource#features}, which may serve them from a cache; the result is the same.
 */
public final class ExampleAugmenter {
    /** The training clips, decoded. */
    public interface ClipSource {
        /** Number of training clips (mixup partners are drawn among them). */
        int size();

        /** Clip {@code clip} as 16 kHz mono samples; not modified by the augmenter. */
        float[] waveform(int clip) throws IOException;

        /** The target row of clip {@code clip} (one-hot or multi-hot over the classes); not modified. */
        float[] target(int clip);

        /**
         * The front end's features of the unmodified clip {@code clip}, in a new array the caller may modify. What
         * the augmenter uses when no waveform step is on; a source may serve them from a cache (see
         * {@link FrontEnd#cacheKey()}) as long as they equal {@code frontEnd.features(waveform(clip))}.
         */
        default float[] features(int clip, FrontEnd frontEnd) throws IOException {
            return frontEnd.features(waveform(clip));
        }
    }

    /**
     * The audio front end: waveform to un-normalised, row-major (frames, bins) features of a fixed size, in a new
     * array that the augmenter then modifies in place.
     */
    public interface FrontEnd {
        float[] features(float[] waveform);

        int frames();

        int bins();

        /**
         * Identifies everything that determines this front end's output for a given waveform (kind, bins, frames,
         * version), so that features can be cached across runs; null (the default) when they must not be.
         */
        default String cacheKey() {
            return null;
        }
    }

    /** Feature normalisation in place, e.g. AST's (x − mean) / (2·std). */
    @FunctionalInterface
    public interface Normalizer {
        void normalize(float[] features);
    }

    private final AugmentSettings settings;
    private final ClipSource clips;
    private final FrontEnd frontEnd;
    private final Normalizer normalizer;
    private final WaveformCrop crop;
    private final WaveformMixup mixup;
    private final SpeedPerturbation speed;
    private final TimeShift timeShift;
    private final BackgroundNoise background;
    private final FrequencyWarp frequencyWarp;
    private final SpecAugment specAugment;
    private final FeatureNoise featureNoise;

    /**
     * @param noises background-noise recordings (may be empty unless {@code backgroundProbability} &gt; 0)
     */
    public ExampleAugmenter(AugmentSettings settings, List<float[]> noises, ClipSource clips, FrontEnd frontEnd,
                            Normalizer normalizer) {
        this.settings = settings;
        this.clips = clips;
        this.frontEnd = frontEnd;
        this.normalizer = normalizer;
        this.crop = settings.cropSamples() > 0 ? new WaveformCrop(settings.cropSamples()) : null;
        this.mixup = settings.mixupProbability() > 0
                ? new WaveformMixup(settings.mixupProbability(), settings.mixupAlpha()) : null;
        this.speed = settings.speedChange() > 0 ? new SpeedPerturbation(settings.speedChange()) : null;
        this.timeShift = settings.timeShiftSamples() > 0 ? new TimeShift(settings.timeShiftSamples()) : null;
        this.background = settings.backgroundProbability() > 0
                ? new BackgroundNoise(noises, settings.backgroundProbability(), settings.backgroundMinSnrDb(),
                        settings.backgroundMaxSnrDb())
                : null;
        this.frequencyWarp = settings.frequencyWarp() > 0
                ? new FrequencyWarp(settings.frequencyWarp(), frontEnd.bins()) : null;
        this.specAugment = settings.freqMask() > 0 || settings.timeMask() > 0
                ? new SpecAugment(settings.freqMask(), settings.timeMask()) : null;
        this.featureNoise = settings.featureNoise() ? new FeatureNoise(settings.maxRoll()) : null;
    }

    public AugmentSettings settings() {
        return settings;
    }

    /** The augmented example for training clip {@code clip} at sample key {@code key}. */
    public Example training(SampleKey key, int clip) throws IOException {
        float[] target = clips.target(clip).clone();
        float[] features;
        if (crop == null && mixup == null && speed == null && timeShift == null && background == null) {
            // No step changes the waveform: the clip's plain features (possibly cached) are the starting point.
            features = checked(clips.features(clip, frontEnd));
        } else {
            RandomGenerator cropRng = key.generator(RandomStream.CROP);
            float[] wave = clips.waveform(clip);
            wave = crop != null ? crop.random(wave, cropRng) : wave.clone();
            if (mixup != null) {
                WaveformMixup.Plan plan = mixup.plan(key.generator(RandomStream.MIXUP), clips.size());
                if (plan != null) {
                    float[] other = clips.waveform(plan.partner());
                    if (crop != null) other = crop.random(other, cropRng);
                    wave = WaveformMixup.mix(wave, other, plan.lambda());
                    target = WaveformMixup.mixTargets(target, clips.target(plan.partner()), plan.lambda());
                }
            }
            if (speed != null) wave = speed.apply(wave, key.generator(RandomStream.SPEED));
            if (timeShift != null) timeShift.apply(wave, key.generator(RandomStream.TIME_SHIFT));
            if (background != null) background.apply(wave, key.generator(RandomStream.BACKGROUND_NOISE));
            features = features(wave);
        }
        if (frequencyWarp != null) {
            frequencyWarp.apply(features, frontEnd.frames(), key.generator(RandomStream.FREQUENCY_WARP));
        }
        if (specAugment != null) {
            specAugment.apply(features, frontEnd.frames(), frontEnd.bins(), key.generator(RandomStream.SPEC_AUGMENT));
        }
        normalizer.normalize(features);
        if (featureNoise != null) {
            featureNoise.apply(features, frontEnd.frames(), frontEnd.bins(), key.generator(RandomStream.FEATURE_NOISE));
        }
        return new Example(features, frontEnd.frames(), frontEnd.bins(), target);
    }

    /** The un-augmented example for evaluation: centre crop (if cropping), front end, normalisation. */
    public Example evaluation(float[] waveform, float[] target) {
        float[] wave = crop != null ? crop.centre(waveform) : waveform;
        float[] features = features(wave);
        normalizer.normalize(features);
        return new Example(features, frontEnd.frames(), frontEnd.bins(), target.clone());
    }

    private float[] features(float[] wave) {
        return checked(frontEnd.features(wave));
    }

    private float[] checked(float[] f) {
        if (f.length != frontEnd.frames() * frontEnd.bins()) {
            throw new IllegalStateException("front end returned " + f.length + " values, expected "
                    + frontEnd.frames() + " x " + frontEnd.bins());
        }
        return f;
    }
}
