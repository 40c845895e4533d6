package dev.mast.audio.features;

import dev.mast.audio.dsp.RealFft;
import dev.mast.engine.kernel.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * What the two log-mel front ends share after framing: frames go {@link RealFft#LANES} at a time, one per vector
 * lane, through the power spectrum, the mel filter bank and the log, and come out as (frame, bin) rows. Lanes never
 * mix, so a frame's features do not depend on which frames share its batch. Immutable and thread-safe.
 */
final class FrameBatches {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int LANES = RealFft.LANES;

    /** How the log stays finite where a mel energy E is 0. */
    enum LogGuard {
        /** ln(max(E, ε)), Kaldi's. */
        FLOOR,
        /** ln(E + ε), librosa's. */
        OFFSET
    }

    /** Writes the windowed samples of frame {@code index} into {@code frame} (the FFT input before zero padding). */
    @FunctionalInterface
    interface Framer {
        void frame(int index, float[] frame);
    }

    private final RealFft fft;
    private final MelFilterBank mel;
    private final int frameLength;
    private final float powerOffset;
    private final LogGuard guard;
    private final float logEpsilon;

    /**
     * @param frameLength samples per frame, at most the FFT length
     * @param powerOffset added to every power value before the mel filters (0 for none)
     * @param logEpsilon  the ε of {@code guard}
     */
    FrameBatches(RealFft fft, MelFilterBank mel, int frameLength, float powerOffset, LogGuard guard,
                 float logEpsilon) {
        this.fft = fft;
        this.mel = mel;
        this.frameLength = frameLength;
        this.powerOffset = powerOffset;
        this.guard = guard;
        this.logEpsilon = logEpsilon;
    }

    /** Throws unless {@code wave[offset .. offset + length)} lies inside the array. */
    static void checkRange(float[] wave, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > wave.length) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " of " + wave.length);
        }
    }

    /** The log-mel of {@code frames} frames, each written by {@code framer}. */
    LogMel compute(int frames, Framer framer) {
        int bins = mel.count();
        float[] out = new float[frames * bins];
        float[] buffer = new float[fft.bufferLength()];
        float[] power = new float[fft.bins() * LANES];
        float[] melOut = new float[bins * LANES];
        float[] frame = new float[frameLength];
        FloatVector offset = FloatVector.broadcast(S, powerOffset);
        for (int first = 0; first < frames; first += LANES) {
            int lanes = Math.min(LANES, frames - first);
            // The FFT works in place: zero padding past the frame length, and unused lanes of a last partial batch,
            // must be zeroed again before each batch.
            if (lanes < LANES || frameLength < fft.length()) Arrays.fill(buffer, 0f);
            for (int l = 0; l < lanes; l++) {
                framer.frame(first + l, frame);
                for (int j = 0; j < frameLength; j++) buffer[fft.slot(j) + l] = frame[j];
            }
            fft.powerSpectrum(buffer, power);
            if (powerOffset != 0) {
                for (int i = 0; i < power.length; i += LANES) {
                    FloatVector.fromArray(S, power, i).add(offset).intoArray(power, i);
                }
            }
            melLog(power, melOut);
            for (int l = 0; l < lanes; l++) {
                int row = (first + l) * bins;
                for (int b = 0; b < bins; b++) out[row + b] = melOut[b * LANES + l];
            }
        }
        return new LogMel(frames, bins, out);
    }

    /** melOut[b·LANES + l] = ln(guard(Σ_k w[b][k]·power[k·LANES + l])). */
    private void melLog(float[] power, float[] melOut) {
        FloatVector eps = FloatVector.broadcast(S, logEpsilon);
        for (int b = 0; b < mel.count(); b++) {
            float[] w = mel.weights(b);
            int k0 = mel.start(b);
            FloatVector acc = FloatVector.zero(S);
            for (int i = 0; i < w.length; i++) {
                acc = FloatVector.fromArray(S, power, (k0 + i) * LANES).fma(FloatVector.broadcast(S, w[i]), acc);
            }
            FloatVector guarded = guard == LogGuard.FLOOR ? acc.max(eps) : acc.add(eps);
            VectorMath.log(guarded).intoArray(melOut, b * LANES);
        }
    }
}
