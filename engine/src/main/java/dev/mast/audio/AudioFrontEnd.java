package dev.mast.audio;

import dev.mast.audio.decoding.AudioDecoders;
import dev.mast.audio.dsp.Resampler;
import dev.mast.audio.features.FeatureNormalizer;
import dev.mast.audio.features.KaldiFbank;
import dev.mast.audio.features.LibrosaLogMel;
import dev.mast.audio.features.LogMel;
import dev.mast.audio.features.PadCrop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * From a file or PCM samples to the model input: decode, resample to 16 kHz ({@link Resampler}, torchaudio's
 * defaults), mix to mono (mean of the channels), log-mel ({@link KaldiFbank} or {@link LibrosaLogMel}), then
 * optionally pad/crop to a fixed number of frames ({@link PadCrop}) and normalise ({@link FeatureNormalizer}), in
 * AST's order (spec §1.2). The result is a (T, 128) {@link LogMel}.
 *
 * <pre>
 *   AudioFrontEnd fe = AudioFrontEnd.ast(FeatureNormalizer.SPEECH_COMMANDS, 128);
 *   LogMel x = fe.fromFile(Path.of("yes.wav"));            // (128, 128), normalised
 *   LogMel y = fe.fromSamples(samples, 44100);              // float[] mono PCM at any rate
 * </pre>
 *
 * Immutable and thread-safe: one instance can serve all the threads of a data loader.
 */
public final class AudioFrontEnd {
    /** The two front ends of spec §1. */
    public enum Kind {
        /** Kaldi fbank of AST/SSAST (§1.1): supervised MAST/AST. */
        KALDI,
        /** librosa Slaney log-mel of LAPE (§1.3): SS-MAST pre-training. */
        LIBROSA
    }

    public static final int MODEL_RATE = 16000;
    /**
     * Input rates accepted for resampling. Below 1 kHz nothing is audio-like and the 16 kHz output would be many
     * times larger than the file; above 768 kHz the filter bank grows large.
     */
    public static final int MIN_RATE = 1000, MAX_RATE = Resampler.MAX_RATE;

    /** Resamplers are built once per input rate and shared (their filter banks take a while to compute). */
    private static final Map<Integer, Resampler> RESAMPLERS = new ConcurrentHashMap<>();

    private final Kind kind;
    private final int targetLength;
    private final FeatureNormalizer normalizer;
    private final KaldiFbank kaldi;
    private final LibrosaLogMel librosa;

    private AudioFrontEnd(Kind kind, int targetLength, FeatureNormalizer normalizer, KaldiFbank kaldi,
                          LibrosaLogMel librosa) {
        this.kind = kind;
        this.targetLength = targetLength;
        this.normalizer = normalizer;
        this.kaldi = kaldi;
        this.librosa = librosa;
    }

    /** The given front end with 128 mel bins, no padding/cropping and no normalisation. */
    public static AudioFrontEnd of(Kind kind) {
        return kind == Kind.KALDI ? new AudioFrontEnd(kind, 0, null, new KaldiFbank(), null)
                : new AudioFrontEnd(kind, 0, null, null, new LibrosaLogMel());
    }

    /** The raw Kaldi fbank (what {@code mast fbank} writes without options). */
    public static AudioFrontEnd kaldi() {
        return of(Kind.KALDI);
    }

    /** The raw librosa-style log-mel. */
    public static AudioFrontEnd librosa() {
        return of(Kind.LIBROSA);
    }

    /** AST's input: Kaldi fbank, padded/cropped to {@code targetLength} frames, then normalised. */
    public static AudioFrontEnd ast(FeatureNormalizer normalizer, int targetLength) {
        return kaldi().withTargetLength(targetLength).withNormalizer(normalizer);
    }

    /** This front end padding or cropping to {@code frames} frames; 0 keeps every frame. */
    public AudioFrontEnd withTargetLength(int frames) {
        if (frames < 0) throw new IllegalArgumentException("target length must not be negative, got " + frames);
        return new AudioFrontEnd(kind, frames, normalizer, kaldi, librosa);
    }

    /** This front end normalising with {@code n} after padding/cropping; null turns normalisation off. */
    public AudioFrontEnd withNormalizer(FeatureNormalizer n) {
        return new AudioFrontEnd(kind, targetLength, n, kaldi, librosa);
    }

    public Kind kind() {
        return kind;
    }

    /** Frames of every output, or 0 when outputs keep the clip's own length. */
    public int targetLength() {
        return targetLength;
    }

    /** The normaliser, or null. */
    public FeatureNormalizer normalizer() {
        return normalizer;
    }

    public int melBins() {
        return kind == Kind.KALDI ? kaldi.melBins() : librosa.melBins();
    }

    /**
     * Decodes a WAV or FLAC file and computes its features.
     *
     * @throws AudioFormatException naming the file, for anything wrong with it: unreadable, not audio, corrupt,
     *                              unsupported, or too short for one frame
     */
    public LogMel fromFile(Path file) throws IOException {
        return fromDecoded(AudioDecoders.decode(file), file.toString());
    }

    /**
     * Decodes an in-memory WAV or FLAC file (e.g. a member of a tar shard) and computes its features.
     *
     * @param source names the data in error messages
     * @throws AudioFormatException as {@link #fromFile}
     */
    public LogMel fromBytes(byte[] data, String source) throws IOException {
        return fromDecoded(AudioDecoders.decode(data, source), source);
    }

    private LogMel fromDecoded(PcmAudio audio, String source) throws AudioFormatException {
        try {
            return fromPcm(audio);
        } catch (IllegalArgumentException e) { // ClipTooShortException, or a sample rate we do not resample
            throw new AudioFormatException(source, e.getMessage());
        }
    }

    /** Features of decoded audio (any channel count and rate). */
    public LogMel fromPcm(PcmAudio audio) {
        return features(toModelRate(audio));
    }

    /** Features of mono float PCM at any rate (on the float scale: int16 / 32768). */
    public LogMel fromSamples(float[] mono, int sampleRate) {
        return features(toModelRate(mono, sampleRate));
    }

    /** Features of mono 16-bit PCM at any rate. */
    public LogMel fromSamples(short[] mono, int sampleRate) {
        return fromSamples(PcmAudio.ofInterleaved(mono, 1, sampleRate).channel(0), sampleRate);
    }

    /** Features of a mono 16 kHz clip, with this front end's padding/cropping and normalisation. */
    public LogMel features(float[] mono16k) {
        LogMel m = kind == Kind.KALDI ? kaldi.compute(mono16k) : librosa.compute(mono16k);
        if (targetLength > 0) m = PadCrop.apply(m, targetLength);
        if (normalizer != null) m = normalizer.apply(m);
        return m;
    }

    /**
     * Mono audio at 16 kHz: each channel resampled, then the mean of the channels (the input itself when it already
     * is 16 kHz mono). Resampling before mixing is the reference's order. In exact arithmetic the order does not
     * matter; in float32 it shifts bands whose energy sits near the log floor, which are at float32's noise level
     * anyway (stereo fixture, max |diff| to torchaudio: 4.5e-3 mixing first, 3.4e-3 resampling first; torchaudio's
     * own float32 result is 2.7e-3 from float64 there).
     */
    public static float[] toModelRate(PcmAudio audio) {
        if (audio.channelCount() == 1 || audio.sampleRate() == MODEL_RATE) {
            return toModelRate(audio.mono(), audio.sampleRate());
        }
        float[][] resampled = new float[audio.channelCount()][];
        for (int c = 0; c < resampled.length; c++) resampled[c] = toModelRate(audio.channel(c), audio.sampleRate());
        float[] mono = new float[resampled[0].length];
        PcmAudio.mixToMono(resampled, 0, mono, 0, mono.length);
        return mono;
    }

    /**
     * {@code mono} resampled from {@code sampleRate} to 16 kHz (itself when already at 16 kHz).
     *
     * @throws IllegalArgumentException if the rate is outside {@link #MIN_RATE}..{@link #MAX_RATE}
     */
    public static float[] toModelRate(float[] mono, int sampleRate) {
        if (sampleRate == MODEL_RATE) return mono;
        if (sampleRate < MIN_RATE || sampleRate > MAX_RATE) {
            throw new IllegalArgumentException("sample rate of " + sampleRate + " Hz is outside the supported "
                    + MIN_RATE + ".." + MAX_RATE + " Hz");
        }
        return resampler(sampleRate).resample(mono);
    }

    private static Resampler resampler(int fromRate) {
        Resampler r = RESAMPLERS.get(fromRate);
        if (r == null) {
            r = new Resampler(fromRate, MODEL_RATE);
            if (RESAMPLERS.size() < 64) RESAMPLERS.putIfAbsent(fromRate, r);
        }
        return r;
    }
}
