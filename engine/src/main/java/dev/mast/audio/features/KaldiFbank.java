package dev.mast.audio.features;

import dev.mast.audio.ClipTooShortException;
import dev.mast.audio.dsp.RealFft;
import dev.mast.engine.kernel.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kaldi-compatible log-mel filter bank exactly as AST calls {@code torchaudio.compliance.kaldi.fbank} (spec §1.1):
 * 16 kHz input on the float scale, 25 ms frames every 10 ms with snip-edges, per-frame DC removal, pre-emphasis
 * 0.97 (the first sample is its own predecessor), symmetric Hann window, 512-point FFT, power spectrum, Kaldi mel
 * filters from 20 Hz to 8 kHz, ln(max(E, float epsilon)). No dither, no energy column.
 *
 * <p>Step 1 of §1.1, removing the mean of the whole clip, is not a separate pass: every frame has its own mean
 * removed before anything else touches it, and that cancels any constant offset exactly.
 *
 * <p>Computed in float32 like torchaudio. Frames are processed {@link RealFft#LANES} at a time, one per vector lane,
 * through the whole chain (FFT, power, mel, log). Results are bit-identical from run to run, compiled or not
 * ({@link VectorMath}). Instances are immutable and thread-safe.
 */
public final class KaldiFbank {
    public static final int SAMPLE_RATE = 16000;
    /** 25 ms and 10 ms at 16 kHz. */
    public static final int FRAME_LENGTH = 400, FRAME_SHIFT = 160;
    public static final int FFT_SIZE = 512;
    public static final int DEFAULT_MEL_BINS = 128;
    public static final float PREEMPHASIS = 0.97f;
    public static final double LOW_HZ = 20, HIGH_HZ = SAMPLE_RATE / 2.0;
    /** float32 machine epsilon, the floor under every mel energy. */
    public static final float LOG_FLOOR = 1.1920929e-07f;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int LANES = RealFft.LANES;

    private final MelFilterBank mel;
    private final FrameBatches batches;
    private final float[] window = new float[FRAME_LENGTH];

    /** The AST front end: 128 mel bins. */
    public KaldiFbank() {
        this(DEFAULT_MEL_BINS);
    }

    public KaldiFbank(int melBins) {
        mel = MelFilterBank.kaldi(melBins, FFT_SIZE, SAMPLE_RATE, LOW_HZ, HIGH_HZ);
        batches = new FrameBatches(new RealFft(FFT_SIZE), mel, FRAME_LENGTH, 0, FrameBatches.LogGuard.FLOOR, LOG_FLOOR);
        for (int n = 0; n < FRAME_LENGTH; n++) {
            window[n] = (float) (0.5 - 0.5 * StrictMath.cos(2 * Math.PI * n / (FRAME_LENGTH - 1)));
        }
    }

    public int melBins() {
        return mel.count();
    }

    /** Frames produced for a clip of {@code samples} samples: 1 + (samples - 400) / 160, or 0 if too short. */
    public static int frameCount(int samples) {
        return samples < FRAME_LENGTH ? 0 : 1 + (samples - FRAME_LENGTH) / FRAME_SHIFT;
    }

    /** The filter bank of a whole 16 kHz clip. */
    public LogMel compute(float[] wave) {
        return compute(wave, 0, wave.length);
    }

    /**
     * The filter bank of {@code wave[offset .. offset + length)}, sampled at 16 kHz.
     *
     * @throws ClipTooShortException if {@code length} is below one 400-sample frame
     */
    public LogMel compute(float[] wave, int offset, int length) {
        FrameBatches.checkRange(wave, offset, length);
        int frames = frameCount(length);
        if (frames == 0) throw new ClipTooShortException(length, FRAME_LENGTH, SAMPLE_RATE);
        return batches.compute(frames, (f, frame) -> prepareFrame(wave, offset + f * FRAME_SHIFT, frame));
    }

    /** DC removal, pre-emphasis and window for the frame starting at {@code wave[at]} (§1.1 steps 4, 6, 7). */
    private void prepareFrame(float[] wave, int at, float[] frame) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (; j <= FRAME_LENGTH - LANES; j += LANES) acc = acc.add(FloatVector.fromArray(S, wave, at + j));
        float sum = VectorMath.sum256(acc);
        for (; j < FRAME_LENGTH; j++) sum += wave[at + j];
        float mean = sum / FRAME_LENGTH;

        float v0 = wave[at] - mean;
        frame[0] = (v0 - PREEMPHASIS * v0) * window[0];
        FloatVector m = FloatVector.broadcast(S, mean);
        j = 1;
        for (; j <= FRAME_LENGTH - LANES; j += LANES) {
            FloatVector v = FloatVector.fromArray(S, wave, at + j).sub(m);
            FloatVector prev = FloatVector.fromArray(S, wave, at + j - 1).sub(m);
            v.sub(prev.mul(PREEMPHASIS)).mul(FloatVector.fromArray(S, window, j)).intoArray(frame, j);
        }
        for (; j < FRAME_LENGTH; j++) {
            float v = wave[at + j] - mean, prev = wave[at + j - 1] - mean;
            frame[j] = (v - PREEMPHASIS * prev) * window[j];
        }
    }
}
