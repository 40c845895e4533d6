package dev.mast.train.augment;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Cuts a fixed-length window out of a waveform, as the LAPE downstream data sets do: a longer clip is cropped at a
 * random start in training and at the centre in evaluation; a shorter clip is zero-padded symmetrically (the extra
 * sample, if the padding is odd, goes at the end).
 */
public final class WaveformCrop {
    private final int window;

    /** @param window the window length in samples */
    public WaveformCrop(int window) {
        if (window < 1) throw new IllegalArgumentException("crop window must be >= 1 sample, got " + window);
        this.window = window;
    }

    public int window() {
        return window;
    }

    /** Training crop: start = nextInt(|x| − window + 1) when the clip is longer (one draw), else padding (no draw). */
    public float[] random(float[] wave, RandomGenerator rng) {
        if (wave.length <= window) return pad(wave);
        int start = rng.nextInt(wave.length - window + 1);
        return Arrays.copyOfRange(wave, start, start + window);
    }

    /** Evaluation crop: the centre window (start = (|x| − window) / 2), or padding. */
    public float[] centre(float[] wave) {
        if (wave.length <= window) return pad(wave);
        int start = (wave.length - window) / 2;
        return Arrays.copyOfRange(wave, start, start + window);
    }

    private float[] pad(float[] wave) {
        float[] out = new float[window];
        System.arraycopy(wave, 0, out, (window - wave.length) / 2, wave.length);
        return out;
    }
}
