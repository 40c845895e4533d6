package dev.mast.train.augment;

import java.util.random.RandomGenerator;

/**
 * Vocal-tract length perturbation on log-mel features: every frequency is scaled by a random factor
 * α ∈ [1 − δ, 1 + δ] (α &gt; 1 moves formants up, as a shorter vocal tract does), leaving pitch and timing alone —
 * the part of speaker variation that {@link SpeedPerturbation} cannot separate from tempo.
 *
 * <p>Mel bin b has its centre at m_b = mel(low) + (b + 1)·Δ, Δ = (mel(high) − mel(low)) / (bins + 1), as in Kaldi's
 * filter bank, with mel(f) = 1127·ln(1 + f/700). The warped bin takes the value the original spectrum has at f/α:
 * <pre>
 *   out[t][b] = in[t](p_b),   p_b = (mel(mel⁻¹(m_b) / α) − mel(low)) / Δ − 1
 * </pre>
 * read by linear interpolation between neighbouring bins and clamped to the first and last bin. The filters' widths
 * are not re-derived, which at |δ| ≤ 0.2 changes a bin's energy by far less than the warp itself.
 */
public final class FrequencyWarp {
    /** The mel range of the Kaldi fbank at 16 kHz: 20 Hz to Nyquist. */
    public static final double LOW_HZ = 20, HIGH_HZ = 8000;

    private final double maxChange;
    /** The bins' centre frequencies in Hz: the part of the warp's index table that does not depend on α. */
    private final double[] centresHz;

    /**
     * @param maxChange δ, the largest relative change of frequency, in [0, 0.5]
     * @param bins      mel bins of the features this warps (at least 2)
     */
    public FrequencyWarp(double maxChange, int bins) {
        if (!(maxChange >= 0 && maxChange <= 0.5)) {
            throw new IllegalArgumentException("frequency warp must be in [0, 0.5], got " + maxChange);
        }
        this.maxChange = maxChange;
        this.centresHz = centresHz(bins);
    }

    /** Draws α = 1 + δ·(2·nextDouble() − 1) and warps the row-major (frames, bins) {@code features} in place. */
    public void apply(float[] features, int frames, RandomGenerator rng) {
        double alpha = 1 + maxChange * (2 * rng.nextDouble() - 1);
        warp(features, frames, centresHz, alpha);
    }

    /** Warps the row-major (frames, bins) {@code features} in place by the factor {@code alpha}. */
    public static void warp(float[] features, int frames, int bins, double alpha) {
        warp(features, frames, centresHz(bins), alpha);
    }

    private static void warp(float[] features, int frames, double[] centresHz, double alpha) {
        int bins = centresHz.length;
        if (features.length != frames * bins) {
            throw new IllegalArgumentException(features.length + " values for " + frames + " x " + bins + " features");
        }
        if (!(alpha > 0)) throw new IllegalArgumentException("warp factor must be positive, got " + alpha);
        double melLow = mel(LOW_HZ), delta = melStep(bins);
        int[] left = new int[bins];
        float[] frac = new float[bins];
        for (int b = 0; b < bins; b++) {
            double p = (mel(centresHz[b] / alpha) - melLow) / delta - 1;
            p = Math.max(0, Math.min(bins - 1, p));
            left[b] = Math.min((int) p, bins - 2);
            frac[b] = (float) (p - left[b]);
        }
        float[] row = new float[bins];
        for (int t = 0; t < frames; t++) {
            System.arraycopy(features, t * bins, row, 0, bins);
            for (int b = 0; b < bins; b++) {
                float a = row[left[b]], c = row[left[b] + 1];
                features[t * bins + b] = a + frac[b] * (c - a);
            }
        }
    }

    private static double[] centresHz(int bins) {
        if (bins < 2) throw new IllegalArgumentException("frequency warp needs at least 2 bins, got " + bins);
        double melLow = mel(LOW_HZ), delta = melStep(bins);
        double[] hz = new double[bins];
        for (int b = 0; b < bins; b++) hz[b] = inverseMel(melLow + (b + 1) * delta);
        return hz;
    }

    private static double melStep(int bins) {
        return (mel(HIGH_HZ) - mel(LOW_HZ)) / (bins + 1);
    }

    static double mel(double hz) {
        return 1127 * Math.log(1 + hz / 700);
    }

    static double inverseMel(double mel) {
        return 700 * (Math.exp(mel / 1127) - 1);
    }
}
