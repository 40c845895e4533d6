package dev.mast.train.augment;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class FrequencyWarpTest {
    private static final int BINS = 128, FRAMES = 3;

    /** Centre frequency of Kaldi mel bin b (20 Hz to 8 kHz, 128 bins), computed here from the mel formula. */
    private static double centreHz(int b) {
        double lo = 1127 * Math.log(1 + 20 / 700.0), hi = 1127 * Math.log(1 + 8000 / 700.0);
        double m = lo + (b + 1) * (hi - lo) / (BINS + 1);
        return 700 * (Math.exp(m / 1127) - 1);
    }

    /** Each row holds, per bin, the bin's centre frequency: after a warp, a bin shows where its content came from. */
    private static float[] frequencyRows() {
        float[] f = new float[FRAMES * BINS];
        for (int t = 0; t < FRAMES; t++) for (int b = 0; b < BINS; b++) f[t * BINS + b] = (float) centreHz(b);
        return f;
    }

    @Test
    void factorOneLeavesTheFeatures() {
        float[] x = new float[FRAMES * BINS];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] y = x.clone();
        FrequencyWarp.warp(y, FRAMES, BINS, 1.0);
        assertArrayEquals(x, y, 1e-4f);
    }

    @Test
    void eachBinTakesTheContentOfItsFrequencyOverAlpha() {
        for (double alpha : new double[] {0.9, 1.1}) {
            float[] f = frequencyRows();
            FrequencyWarp.warp(f, FRAMES, BINS, alpha);
            int checked = 0;
            for (int b = 0; b < BINS; b++) {
                double source = centreHz(b) / alpha;
                if (source < centreHz(0) || source > centreHz(BINS - 1)) continue;
                checked++;
                for (int t = 0; t < FRAMES; t++) {
                    // linear interpolation between bins of a smooth curve: within half a percent
                    assertEquals(source, f[t * BINS + b], 0.005 * source, "alpha " + alpha + ", bin " + b);
                }
            }
            assertTrue(checked > 100, "most bins have a source inside the range");
        }
    }

    @Test
    void sourcesOutsideTheRangeRepeatTheEdgeBins() {
        float[] f = frequencyRows();
        FrequencyWarp.warp(f, FRAMES, BINS, 0.9); // the top bins read above the last bin
        assertEquals(centreHz(BINS - 1), f[BINS - 1], 1e-2);
        f = frequencyRows();
        FrequencyWarp.warp(f, FRAMES, BINS, 1.1); // the lowest bins read below the first
        assertEquals(centreHz(0), f[0], 1e-2);
    }

    @Test
    void drawsTheFactorFromTheRange() {
        FrequencyWarp warp = new FrequencyWarp(0.1, BINS);
        for (int k = 0; k < 20; k++) {
            double alpha = 1 + 0.1 * (2 * new SplittableRandom(k).nextDouble() - 1);
            float[] expected = frequencyRows(), actual = frequencyRows();
            FrequencyWarp.warp(expected, FRAMES, BINS, alpha);
            warp.apply(actual, FRAMES, new SplittableRandom(k));
            assertArrayEquals(expected, actual);
        }
        assertThrows(IllegalArgumentException.class, () -> new FrequencyWarp(0.6, BINS));
        assertThrows(IllegalArgumentException.class, () -> FrequencyWarp.warp(new float[5], 2, 3, 1.1));
    }
}
