package dev.mast.train.augment;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waveform augmentations: known answers with scripted draws, and measured properties (SNR, means). */
class WaveformAugmentTest {
    @Test
    void mixupRemovesDcPadsThePartnerAndMixesTargets() {
        float[] a = {1, 2, 3, 6};          // mean 3 -> -2 -1 0 3
        float[] b = {10, 20};              // mean 15 -> -5 5, then zero-padded to 4 samples
        float[] mixed = WaveformMixup.mix(a, b, 0.75);
        // 0.75 * (-2, -1, 0, 3) + 0.25 * (-5, 5, 0, 0) = (-2.75, 0.5, 0, 2.25), mean 0 already
        assertArrayEquals(new float[] {-2.75f, 0.5f, 0f, 2.25f}, mixed, 1e-6f);
        float[] c = {4, 0, 4, 0, 100, -100}; // partner longer: its mean (0.667) is taken over the whole clip
        float[] m2 = WaveformMixup.mix(new float[] {0, 0, 0}, c, 0.5);
        double mean = (4 + 4) / 6.0 - (100 - 100) / 6.0;
        float[] expected = {(float) (0.5 * (4 - mean)), (float) (0.5 * (0 - mean)), (float) (0.5 * (4 - mean))};
        double m = (expected[0] + expected[1] + expected[2]) / 3.0;
        for (int i = 0; i < 3; i++) expected[i] -= (float) m;
        assertArrayEquals(expected, m2, 1e-6f);
        assertArrayEquals(new float[] {0.3f, 0.7f, 0f}, WaveformMixup.mixTargets(new float[] {0, 1, 0},
                new float[] {1, 0, 0}, 0.7), 1e-7f);
    }

    @Test
    void mixupPlanDrawsInTheDocumentedOrder() {
        WaveformMixup mixup = new WaveformMixup(0.6, 10);
        assertNull(mixup.plan(new ScriptedRandom().thenDoubles(0.6), 5)); // u >= p: no mixup, nothing else drawn
        SplittableRandom r = new SplittableRandom(1);
        int mixed = 0;
        for (int i = 0; i < 10000; i++) {
            WaveformMixup.Plan p = mixup.plan(r, 7);
            if (p != null) {
                mixed++;
                assertTrue(p.partner() >= 0 && p.partner() < 7);
                assertTrue(p.lambda() > 0 && p.lambda() < 1);
            }
        }
        assertEquals(0.6, mixed / 10000.0, 0.02);
    }

    @Test
    void timeShiftMovesAndZeroFills() {
        float[] x = {1, 2, 3, 4, 5};
        assertEquals(2, new TimeShift(3).apply(x, new ScriptedRandom().thenInts(2)));
        assertArrayEquals(new float[] {0, 0, 1, 2, 3}, x);
        float[] y = {1, 2, 3, 4, 5};
        TimeShift.shift(y, -3);
        assertArrayEquals(new float[] {4, 5, 0, 0, 0}, y);
        float[] z = {1, 2};
        TimeShift.shift(z, 7);
        assertArrayEquals(new float[] {0, 0}, z);
    }

    @Test
    void backgroundNoiseReachesTheDrawnSnrAndWrapsAround() {
        SplittableRandom r = new SplittableRandom(4);
        float[] speech = new float[16000];
        for (int i = 0; i < speech.length; i++) speech[i] = (float) (0.3 * Math.sin(i * 0.05) + 0.01 * r.nextGaussian());
        float[] noise = new float[5000]; // shorter than the clip: must wrap
        for (int i = 0; i < noise.length; i++) noise[i] = (float) r.nextGaussian();
        float[] x = speech.clone();
        // apply, recording 0, offset 4321, SNR = 5 + 10 * 0.5 = 10 dB
        ScriptedRandom rng = new ScriptedRandom().thenDoubles(0.1).thenInts(0, 4321).thenDoubles(0.5);
        assertTrue(new BackgroundNoise(List.of(noise), 0.85, 5, 15).apply(x, rng));
        assertTrue(rng.exhausted());
        double ps = 0, pn = 0, corr = 0, nn = 0;
        for (int i = 0; i < x.length; i++) {
            double added = x[i] - speech[i];
            ps += speech[i] * speech[i];
            pn += added * added;
            double n = noise[(4321 + i) % noise.length];
            corr += added * n;
            nn += n * n;
        }
        assertEquals(10.0, 10 * Math.log10(ps / pn), 1e-4);
        assertEquals(1.0, corr / Math.sqrt(pn * nn), 1e-6, "the added signal is the wrapped noise stretch");
        float[] silent = new float[100];
        assertFalse(BackgroundNoise.mix(silent, noise, 0, 10));
        assertArrayEquals(new float[100], silent);
        assertFalse(new BackgroundNoise(List.of(noise), 0.85, 5, 15).apply(x, new ScriptedRandom().thenDoubles(0.85)));
    }

    @Test
    void cropRandomCentreAndSymmetricPadding() {
        WaveformCrop crop = new WaveformCrop(4);
        float[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(new float[] {5, 6, 7, 8}, crop.random(x, new ScriptedRandom().thenInts(5)));
        assertArrayEquals(new float[] {2, 3, 4, 5}, crop.centre(x));
        assertArrayEquals(new float[] {0, 1, 2, 0}, crop.random(new float[] {1, 2}, new ScriptedRandom()));
        assertArrayEquals(new float[] {9, 8, 7, 0}, crop.centre(new float[] {9, 8, 7}));
    }
}
