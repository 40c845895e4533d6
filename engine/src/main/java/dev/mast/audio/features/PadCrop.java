package dev.mast.audio.features;

import java.util.Arrays;

/**
 * Brings a spectrogram to a fixed number of frames as AST's data loader does (spec §1.2 step 3): rows of zeros (in
 * the log domain, before normalisation) appended at the end, or only the first frames kept.
 */
public final class PadCrop {
    private PadCrop() {}

    /** {@code m} with exactly {@code targetFrames} rows; {@code m} itself when it already has that many. */
    public static LogMel apply(LogMel m, int targetFrames) {
        if (targetFrames <= 0) throw new IllegalArgumentException("target length must be positive, got " + targetFrames);
        if (m.frames() == targetFrames) return m;
        return new LogMel(targetFrames, m.bins(), Arrays.copyOf(m.data(), targetFrames * m.bins()));
    }
}
