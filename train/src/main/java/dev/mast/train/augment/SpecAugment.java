package dev.mast.train.augment;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * SpecAugment as AST applies it (spec §1.2 step 4; torchaudio {@code FrequencyMasking} then {@code TimeMasking}): one
 * frequency mask with parameter F, then one time mask with parameter T, on the un-normalised log-mel features; the
 * masked cells are set to 0 (in the log domain, before normalisation).
 *
 * <p>For a mask with parameter P along an axis of length n, with u1, u2 uniform on [0, 1) (float32 arithmetic, as
 * torchaudio):
 * <pre>
 *   width = floor(u1·P),  start = floor(u2·(n − u1·P)),  masked: [start, start + width)
 * </pre>
 * Features are a row-major (frames, bins) array: frames along the time axis, mel bins along the frequency axis.
 */
public final class SpecAugment {
    /** A masked range [start, end) along one axis. */
    public record Mask(int start, int end) {}

    private final int freqMask;
    private final int timeMask;

    /**
     * @param freqMask F, the largest frequency-mask width in bins (0: no frequency mask; AST Speech Commands: 48)
     * @param timeMask T, the largest time-mask width in frames (0: no time mask; AST Speech Commands: 48)
     */
    public SpecAugment(int freqMask, int timeMask) {
        if (freqMask < 0 || timeMask < 0) {
            throw new IllegalArgumentException("mask parameters must be >= 0, got " + freqMask + ", " + timeMask);
        }
        this.freqMask = freqMask;
        this.timeMask = timeMask;
    }

    /**
     * Masks {@code features} in place. Draws exactly four floats, in this order: u1 and u2 of the frequency mask,
     * then u1 and u2 of the time mask (also when a parameter is 0, so the count never varies).
     */
    public void apply(float[] features, int frames, int bins, RandomGenerator rng) {
        if (features.length != frames * bins) {
            throw new IllegalArgumentException(features.length + " values for " + frames + " x " + bins + " features");
        }
        if (freqMask > bins || timeMask > frames) {
            throw new IllegalArgumentException("mask parameters (" + freqMask + " bins, " + timeMask
                    + " frames) exceed the features (" + bins + " bins, " + frames + " frames)");
        }
        Mask f = mask(rng.nextFloat(), rng.nextFloat(), freqMask, bins);
        Mask t = mask(rng.nextFloat(), rng.nextFloat(), timeMask, frames);
        for (int r = 0; r < frames; r++) Arrays.fill(features, r * bins + f.start, r * bins + f.end, 0f);
        Arrays.fill(features, t.start * bins, t.end * bins, 0f);
    }

    /** The mask for uniforms u1, u2, parameter {@code param} along an axis of {@code size} (param ≤ size). */
    public static Mask mask(float u1, float u2, int param, int size) {
        float value = u1 * param;
        float minValue = u2 * (size - value);
        int start = (int) minValue;
        return new Mask(start, start + (int) value);
    }
}
