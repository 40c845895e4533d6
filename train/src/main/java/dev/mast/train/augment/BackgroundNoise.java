package dev.mast.train.augment;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Mixes a random stretch of a random background-noise recording into a waveform at a random signal-to-noise ratio
 * (e.g. the {@code _background_noise_} folder of Speech Commands).
 * <pre>
 *   n   = noise[(offset + i) mod |noise|], i = 0 .. |x| − 1        (the recording wraps around if shorter)
 *   g   = sqrt( P(x) / (P(n) · 10^(SNR/10)) ),  P(·) the mean square
 *   x  ← x + g·n
 * </pre>
 * A silent clip (P(x) = 0) has no defined SNR and is left unchanged, as is a silent noise stretch.
 * The noise recordings are decoded by the caller (16 kHz mono float, like the clips);
 * {@code dev.mast.train.data.AudioFolder#wavFiles} lists a folder of them in a stable order.
 */
public final class BackgroundNoise {
    private final List<float[]> noises;
    private final double probability;
    private final double minSnrDb;
    private final double maxSnrDb;

    /**
     * @param noises      decoded noise recordings, at least one, none empty
     * @param probability chance of adding noise to a clip
     * @param minSnrDb    lowest SNR in dB (inclusive)
     * @param maxSnrDb    highest SNR in dB (exclusive)
     */
    public BackgroundNoise(List<float[]> noises, double probability, double minSnrDb, double maxSnrDb) {
        if (noises.isEmpty()) throw new IllegalArgumentException("no background-noise recordings");
        for (float[] n : noises) {
            if (n.length == 0) throw new IllegalArgumentException("empty background-noise recording");
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("background-noise probability must be in [0, 1], got " + probability);
        }
        if (!(minSnrDb <= maxSnrDb)) {
            throw new IllegalArgumentException("SNR range [" + minSnrDb + ", " + maxSnrDb + ") is empty");
        }
        this.noises = List.copyOf(noises);
        this.probability = probability;
        this.minSnrDb = minSnrDb;
        this.maxSnrDb = maxSnrDb;
    }

    /**
     * Maybe adds noise to {@code wave} in place. Draws, in this order: u = nextDouble() (add when u &lt; p); only when
     * adding, the recording nextInt(count), the start offset nextInt(its length), then the SNR
     * min + (max − min)·nextDouble(). Returns whether noise was added.
     */
    public boolean apply(float[] wave, RandomGenerator rng) {
        if (!(rng.nextDouble() < probability)) return false;
        float[] noise = noises.get(rng.nextInt(noises.size()));
        int offset = rng.nextInt(noise.length);
        double snrDb = minSnrDb + (maxSnrDb - minSnrDb) * rng.nextDouble();
        return mix(wave, noise, offset, snrDb);
    }

    /** Adds {@code noise} starting at {@code offset} (wrapping) to {@code wave} at {@code snrDb}; false if silent. */
    public static boolean mix(float[] wave, float[] noise, int offset, double snrDb) {
        double ps = 0, pn = 0;
        for (int i = 0, j = offset; i < wave.length; i++, j = j + 1 == noise.length ? 0 : j + 1) {
            ps += (double) wave[i] * wave[i];
            pn += (double) noise[j] * noise[j];
        }
        if (ps == 0 || pn == 0) return false;
        float g = (float) Math.sqrt(ps / (pn * Math.pow(10, snrDb / 10)));
        for (int i = 0, j = offset; i < wave.length; i++, j = j + 1 == noise.length ? 0 : j + 1) {
            wave[i] += g * noise[j];
        }
        return true;
    }
}
