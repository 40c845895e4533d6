package dev.mast.train.data;

/**
 * One labelled example of a data set: an audio file (path relative to the data set root, '/'-separated) and a class
 * index, optionally restricted to a segment of the file (used for {@code _silence_} clips cut from background-noise
 * recordings).
 *
 * @param path   file path relative to the data set root
 * @param label  class index into {@link LabeledDataset#classes()}
 * @param offset first sample of the segment (16 kHz samples); 0 for a whole file
 * @param length segment length in samples, or {@link #WHOLE} for the whole file
 */
public record Clip(String path, int label, long offset, long length) {
    /** {@link #length()} of a clip that is a whole file. */
    public static final long WHOLE = -1;

    public Clip {
        if (offset < 0 || (length != WHOLE && length < 1)) {
            throw new IllegalArgumentException("bad segment [" + offset + ", +" + length + ") of " + path);
        }
    }

    /** A whole-file clip. */
    public static Clip of(String path, int label) {
        return new Clip(path, label, 0, WHOLE);
    }

    /** True when the clip is a segment of its file rather than the whole file. */
    public boolean isSegment() {
        return length != WHOLE;
    }
}
