package dev.mast.train.augment;

import java.util.random.RandomGenerator;

/**
 * AST's "noise" augmentation (spec §1.2 step 6), on normalised features: add U[0,1)·r/10 to every cell, with one
 * r ~ U[0,1) per example, then roll the frames circularly by an integer drawn uniformly from −R .. R−1 (R = 10):
 * <pre>
 *   x[t][f] ← x[t][f] + u_tf · r / 10
 *   out[t]  = x[(t − shift) mod frames]           (torch.roll along time: positive shift moves frames later)
 * </pre>
 * Features are a row-major (frames, bins) array.
 */
public final class FeatureNoise {
    private final int maxRoll;

    /** @param maxRoll R: the roll is drawn from −R .. R−1 frames (AST: 10); 0 disables the roll */
    public FeatureNoise(int maxRoll) {
        if (maxRoll < 0) throw new IllegalArgumentException("maximum roll must be >= 0, got " + maxRoll);
        this.maxRoll = maxRoll;
    }

    /**
     * Applies noise and roll in place. Draws, in this order: r = nextFloat(); one nextFloat() per cell in row-major
     * order; then the shift nextInt(−R, R) (skipped when R = 0). Returns the shift.
     */
    public int apply(float[] features, int frames, int bins, RandomGenerator rng) {
        if (features.length != frames * bins) {
            throw new IllegalArgumentException(features.length + " values for " + frames + " x " + bins + " features");
        }
        float r = rng.nextFloat();
        for (int i = 0; i < features.length; i++) features[i] += rng.nextFloat() * r / 10f;
        int shift = maxRoll == 0 ? 0 : rng.nextInt(-maxRoll, maxRoll);
        roll(features, frames, bins, shift);
        return shift;
    }

    /** Rolls the frames of {@code features} circularly by {@code shift} (positive: later). */
    public static void roll(float[] features, int frames, int bins, int shift) {
        int s = Math.floorMod(shift, frames);
        if (s == 0) return;
        float[] copy = features.clone();
        // out rows [s, frames) come from in rows [0, frames - s); out rows [0, s) from in rows [frames - s, frames)
        System.arraycopy(copy, 0, features, s * bins, (frames - s) * bins);
        System.arraycopy(copy, (frames - s) * bins, features, 0, s * bins);
    }
}
