package dev.mast.train.augment;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Shifts a waveform in time by a random whole number of samples s ∈ [−max, max] (positive: later), keeping its
 * length: {@code out[i] = in[i − s]}, zeros where that index falls outside the clip. Unlike the feature roll nothing
 * wraps around, so a keyword can move partly out of the window, as in the Speech Commands training recipe.
 */
public final class TimeShift {
    private final int maxShift;

    /** @param maxShift the largest shift in samples (e.g. 1600 for 100 ms at 16 kHz) */
    public TimeShift(int maxShift) {
        if (maxShift < 0) throw new IllegalArgumentException("maximum shift must be >= 0, got " + maxShift);
        this.maxShift = maxShift;
    }

    /** Draws s = nextInt(−max, max + 1) and shifts {@code wave} in place; returns s. */
    public int apply(float[] wave, RandomGenerator rng) {
        int s = rng.nextInt(-maxShift, maxShift + 1);
        shift(wave, s);
        return s;
    }

    /** Shifts {@code wave} in place by {@code s} samples (positive: later), filling with zeros. */
    public static void shift(float[] wave, int s) {
        int n = wave.length;
        if (s >= n || -s >= n) {
            Arrays.fill(wave, 0f);
        } else if (s > 0) {
            System.arraycopy(wave, 0, wave, s, n - s);
            Arrays.fill(wave, 0, s, 0f);
        } else if (s < 0) {
            System.arraycopy(wave, -s, wave, 0, n + s);
            Arrays.fill(wave, n + s, n, 0f);
        }
    }
}
