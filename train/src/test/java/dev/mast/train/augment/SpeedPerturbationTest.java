package dev.mast.train.augment;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class SpeedPerturbationTest {
    private static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i;
        return x;
    }

    @Test
    void rateOneIsTheIdentity() {
        float[] x = new float[101];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        assertArrayEquals(x, SpeedPerturbation.resample(x, 1.0));
    }

    @Test
    void twiceAsFastKeepsTheCentreAndSilencesTheEnds() {
        float[] out = SpeedPerturbation.resample(ramp(100), 2.0);
        // out[i] = in(50 + 2 (i - 50)): inside the clip for i in 25..74, a ramp interpolates exactly.
        for (int i = 25; i <= 74; i++) assertEquals(2 * i - 50, out[i], 1e-5, "sample " + i);
        for (int i = 0; i < 25; i++) assertEquals(0f, out[i], "sample " + i);
        for (int i = 75; i < 100; i++) assertEquals(0f, out[i], "sample " + i);
    }

    @Test
    void halfSpeedStretchesAroundTheCentre() {
        float[] out = SpeedPerturbation.resample(ramp(100), 0.5);
        for (int i = 0; i < 100; i++) assertEquals(50 + (i - 50) / 2.0, out[i], 1e-5, "sample " + i);
    }

    @Test
    void aToneComesOutAtTheScaledFrequency() {
        int n = 16000;
        double f = 1000, rate = 1.1;
        float[] tone = new float[n];
        for (int i = 0; i < n; i++) tone[i] = (float) Math.sin(2 * Math.PI * f * i / 16000);
        float[] out = SpeedPerturbation.resample(tone, rate);
        double c = n / 2.0;
        // Interior samples follow sin(2π f (c + (i − c)·rate) / 16000), up to linear interpolation's error bound
        // h²/8·max|x''| = (2π·1000/16000)²/8 ≈ 0.019.
        for (int i = 1000; i < n - 1000; i++) {
            double expected = Math.sin(2 * Math.PI * f * (c + (i - c) * rate) / 16000);
            assertEquals(expected, out[i], 0.02, "sample " + i);
        }
    }

    @Test
    void drawsTheRateFromTheRangeAndLeavesTheInputAlone() {
        float[] x = ramp(64);
        float[] copy = x.clone();
        SpeedPerturbation speed = new SpeedPerturbation(0.1);
        for (int k = 0; k < 50; k++) {
            double rate = 1 + 0.1 * (2 * new SplittableRandom(100 + k).nextDouble() - 1);
            assertArrayEquals(SpeedPerturbation.resample(x, rate), speed.apply(x, new SplittableRandom(100 + k)));
        }
        assertArrayEquals(copy, x);
        assertThrows(IllegalArgumentException.class, () -> new SpeedPerturbation(0.8));
        assertThrows(IllegalArgumentException.class, () -> new SpeedPerturbation(-0.1));
    }
}
