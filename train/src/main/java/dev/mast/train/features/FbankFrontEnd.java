package dev.mast.train.features;

import dev.mast.audio.AudioFrontEnd;
import dev.mast.model.FrontendSettings;
import dev.mast.train.augment.ExampleAugmenter;

import java.util.Locale;

/**
 * The audio front end as the training pipeline sees it: a 16 kHz mono waveform to un-normalised log-mel features
 * (Kaldi fbank or librosa log-mel, 128 bins) padded or cropped to a fixed number of frames, as AST's loader does
 * (spec §1.2 steps 1–3). Normalisation is a separate step ({@link FeatureNormalization}) because SpecAugment runs in
 * between. Immutable and thread-safe.
 */
public final class FbankFrontEnd implements ExampleAugmenter.FrontEnd {
    /** Bump when the features of a given waveform change (kernel or padding changes): invalidates cached features. */
    private static final int VERSION = 1;

    private final AudioFrontEnd frontEnd;
    private final int frames;

    /**
     * @param kind   the log-mel flavour
     * @param frames frames of every output (at least 1)
     */
    public FbankFrontEnd(AudioFrontEnd.Kind kind, int frames) {
        if (frames < 1) throw new IllegalArgumentException("frames must be positive, got " + frames);
        this.frontEnd = AudioFrontEnd.of(kind).withTargetLength(frames);
        this.frames = frames;
    }

    /** The front end a model file describes (its kind and frame count; normalisation is separate). */
    public static FbankFrontEnd of(FrontendSettings settings) {
        return new FbankFrontEnd(kind(settings.frontend()), settings.targetLength());
    }

    /** The front end called {@code name} ("kaldi" or "librosa"). */
    public static AudioFrontEnd.Kind kind(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "kaldi" -> AudioFrontEnd.Kind.KALDI;
            case "librosa" -> AudioFrontEnd.Kind.LIBROSA;
            default -> throw new IllegalArgumentException("unknown front end '" + name + "' (kaldi or librosa)");
        };
    }

    public AudioFrontEnd.Kind kind() {
        return frontEnd.kind();
    }

    /** "kaldi" or "librosa", as in {@link FrontendSettings}. */
    public String kindName() {
        return frontEnd.kind().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public float[] features(float[] waveform) {
        return frontEnd.features(waveform).data();
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public int bins() {
        return frontEnd.melBins();
    }

    @Override
    public String cacheKey() {
        return "mast-features-v" + VERSION + "/" + kindName() + "/bins " + bins() + "/frames " + frames;
    }
}
