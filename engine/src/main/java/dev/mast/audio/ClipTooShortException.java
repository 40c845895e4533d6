package dev.mast.audio;

/**
 * A waveform handed to a feature extractor as an array is shorter than one analysis frame. The file-based entry
 * points ({@link AudioFrontEnd#fromFile}) report the same problem as an {@link AudioFormatException} naming the file.
 */
public class ClipTooShortException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int samples;
    private final int needed;

    public ClipTooShortException(int samples, int needed, int sampleRate) {
        super(String.format("clip of %d samples (%.3f s at %d Hz) is shorter than one %d-sample analysis frame",
                samples, samples / (double) sampleRate, sampleRate, needed));
        this.samples = samples;
        this.needed = needed;
    }

    /** The clip length in samples. */
    public int samples() {
        return samples;
    }

    /** The minimum number of samples the extractor needs. */
    public int needed() {
        return needed;
    }
}
