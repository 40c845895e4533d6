package dev.mast.train.augment;

import java.util.random.RandomGenerator;

/**
 * Plays a waveform faster or slower by a random factor r ∈ [1 − δ, 1 + δ], which moves pitch, formants and tempo
 * together (Kaldi's speed perturbation): a cheap stand-in for speakers the training set does not have. The clip keeps
 * its length and its centre c = n/2 stays in place:
 * <pre>
 *   out[i] = in(c + (i − c)·r),   linear interpolation between samples, 0 outside the clip
 * </pre>
 * Faster (r &gt; 1) leaves silence at both ends; slower (r &lt; 1) loses the ends. Interpolation without a
 * low-pass lets a little aliasing through when speeding up; at |δ| ≤ 0.2 and speech's falling spectrum it stays far
 * below the background noise the recipe mixes in.
 */
public final class SpeedPerturbation {
    private final double maxChange;

    /** @param maxChange δ, the largest relative change of speed, in [0, 0.5] */
    public SpeedPerturbation(double maxChange) {
        if (!(maxChange >= 0 && maxChange <= 0.5)) {
            throw new IllegalArgumentException("speed change must be in [0, 0.5], got " + maxChange);
        }
        this.maxChange = maxChange;
    }

    /** Draws r = 1 + δ·(2·nextDouble() − 1) and returns the perturbed clip (a new array); {@code wave} is unchanged. */
    public float[] apply(float[] wave, RandomGenerator rng) {
        double rate = 1 + maxChange * (2 * rng.nextDouble() - 1);
        return resample(wave, rate);
    }

    /** {@code wave} played at {@code rate} times its speed, same length, centre fixed. */
    public static float[] resample(float[] wave, double rate) {
        if (!(rate > 0)) throw new IllegalArgumentException("rate must be positive, got " + rate);
        int n = wave.length;
        float[] out = new float[n];
        double centre = n / 2.0;
        for (int i = 0; i < n; i++) {
            double t = centre + (i - centre) * rate;
            int j = (int) Math.floor(t);
            if (j < 0 || j >= n) continue;
            double frac = t - j;
            float next = j + 1 < n ? wave[j + 1] : 0f;
            out[i] = (float) (wave[j] + frac * (next - wave[j]));
        }
        return out;
    }
}
