package dev.mast.train.augment;

/**
 * One model input and its target: row-major (frames, bins) normalised features and a target distribution over the
 * classes (a one-hot row, or a λ / 1 − λ mix after mixup).
 */
public record Example(float[] features, int frames, int bins, float[] target) {
    public Example {
        if (features.length != frames * bins) {
            throw new IllegalArgumentException(features.length + " values for " + frames + " x " + bins + " features");
        }
    }
}
