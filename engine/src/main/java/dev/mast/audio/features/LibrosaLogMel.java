package dev.mast.audio.features;

import dev.mast.audio.ClipTooShortException;
import dev.mast.audio.dsp.RealFft;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The librosa-style log-mel of LAPE's SS-MAST pipeline (spec §1.3): 16 kHz input, centred STFT (reflect padding of
 * n_fft/2 on both sides, as librosa 0.8.1 does by default), periodic Hann window of 1024, hop 160, power spectrum
 * plus 2.220446e-16, Slaney mel filters (128 bins, 60 to 7800 Hz, area-normalised), ln(mel + 1.1920929e-07).
 * Frames: 1 + samples / 160.
 *
 * <p>Computed in float32; frames go {@link RealFft#LANES} at a time through FFT, mel and log, one per vector lane.
 * Bit-identical from run to run, compiled or not ({@link dev.mast.engine.kernel.VectorMath}). Immutable and
 * thread-safe.
 */
public final class LibrosaLogMel {
    public static final int SAMPLE_RATE = 16000;
    public static final int FFT_SIZE = 1024, HOP = 160;
    public static final int DEFAULT_MEL_BINS = 128;
    public static final double FMIN_HZ = 60, FMAX_HZ = 7800;
    /** float64 epsilon added to every power value, and float32 epsilon added to every mel energy. */
    public static final float POWER_EPSILON = 2.220446e-16f, LOG_OFFSET = 1.1920929e-07f;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int LANES = RealFft.LANES;

    private final MelFilterBank mel;
    private final FrameBatches batches;
    private final float[] window = new float[FFT_SIZE];

    /** MAST's 128 mel bins. */
    public LibrosaLogMel() {
        this(DEFAULT_MEL_BINS);
    }

    /** @param melBins 128 for MAST, 64 for LAPE's CNN encoders */
    public LibrosaLogMel(int melBins) {
        mel = MelFilterBank.slaney(melBins, FFT_SIZE, SAMPLE_RATE, FMIN_HZ, FMAX_HZ);
        batches = new FrameBatches(new RealFft(FFT_SIZE), mel, FFT_SIZE, POWER_EPSILON, FrameBatches.LogGuard.OFFSET,
                LOG_OFFSET);
        for (int n = 0; n < FFT_SIZE; n++) window[n] = (float) (0.5 - 0.5 * StrictMath.cos(2 * Math.PI * n / FFT_SIZE));
    }

    public int melBins() {
        return mel.count();
    }

    /** Frames produced for {@code samples} samples: 1 + samples / 160. */
    public static int frameCount(int samples) {
        return 1 + samples / HOP;
    }

    public LogMel compute(float[] wave) {
        return compute(wave, 0, wave.length);
    }

    /**
     * The log-mel of {@code wave[offset .. offset + length)}, sampled at 16 kHz.
     *
     * @throws ClipTooShortException for an empty clip (reflect padding needs at least 2 samples)
     */
    public LogMel compute(float[] wave, int offset, int length) {
        FrameBatches.checkRange(wave, offset, length);
        if (length < 2) throw new ClipTooShortException(length, 2, SAMPLE_RATE);
        float[] padded = reflectPad(wave, offset, length, FFT_SIZE / 2);
        return batches.compute(frameCount(length), (f, frame) -> {
            int at = f * HOP;
            for (int j = 0; j < FFT_SIZE; j += LANES) {
                FloatVector.fromArray(S, padded, at + j).mul(FloatVector.fromArray(S, window, j)).intoArray(frame, j);
            }
        });
    }

    /**
     * The clip with {@code pad} samples mirrored on each side, edge samples not repeated (numpy's "reflect");
     * when the clip is shorter than the padding the reflection bounces, as numpy's does.
     */
    static float[] reflectPad(float[] wave, int offset, int length, int pad) {
        float[] p = new float[length + 2 * pad];
        System.arraycopy(wave, offset, p, pad, length);
        int period = 2 * (length - 1);
        for (int i = 0; i < pad; i++) {
            p[pad - 1 - i] = wave[offset + reflect(-1 - i, period, length)];
            p[pad + length + i] = wave[offset + reflect(length + i, period, length)];
        }
        return p;
    }

    private static int reflect(int i, int period, int length) {
        int m = Math.floorMod(i, period);
        return m < length ? m : period - m;
    }
}
