package dev.mast.train.augment;

import dev.mast.train.TestResources;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SpecAugment masks and the feature roll against torchaudio / torch.roll fed with the same uniforms (resources
 * augment/make_specaugment.py).
 */
class SpecAugmentTest {
    private static final String DIR = "dev/mast/train/augment/specaugment/";

    @Test
    void masksMatchTorchaudioForTheSameUniforms() {
        for (int i = 0; i < 6; i++) {
            float[] u = TestResources.npy(DIR + "u" + i + ".npy").data();
            float[] p = TestResources.npy(DIR + "params" + i + ".npy").data();
            int frames = (int) p[0];
            float[] expected = TestResources.npy(DIR + "masked" + i + ".npy").data();
            float[] x = new float[frames * 128];
            Arrays.fill(x, 1f);
            ScriptedRandom rng = new ScriptedRandom().thenFloats(u);
            new SpecAugment((int) p[1], (int) p[2]).apply(x, frames, 128, rng);
            assertTrue(rng.exhausted());
            assertArrayEquals(expected, x, "case " + i);
        }
    }

    @Test
    void maskFormulaKnownValues() {
        // width floor(0.5 * 48) = 24, start floor(0.5 * (128 - 24)) = 52
        assertEquals(new SpecAugment.Mask(52, 76), SpecAugment.mask(0.5f, 0.5f, 48, 128));
        assertEquals(new SpecAugment.Mask(0, 0), SpecAugment.mask(0f, 0f, 48, 128));
        SpecAugment.Mask m = SpecAugment.mask(Math.nextDown(1f), Math.nextDown(1f), 48, 128);
        assertEquals(47, m.end() - m.start());
        assertTrue(m.end() <= 128);
    }

    @Test
    void maskWiderThanTheFeaturesIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SpecAugment(48, 192).apply(new float[100 * 128], 100, 128, new ScriptedRandom()));
        assertEquals("mask parameters (48 bins, 192 frames) exceed the features (128 bins, 100 frames)", e.getMessage());
    }

    @Test
    void rollMatchesTorchRollAlongTime() {
        float[] base = new float[128 * 128];
        for (int i = 0; i < base.length; i++) base[i] = i;
        for (int s : new int[] {-10, -1, 0, 3, 9}) {
            float[] x = base.clone();
            FeatureNoise.roll(x, 128, 128, s);
            assertArrayEquals(TestResources.npy(DIR + "roll_" + s + ".npy").data(), x, "shift " + s);
        }
    }

    @Test
    void featureNoiseAddsScaledUniformsThenRolls() {
        int frames = 3, bins = 2;
        float[] x = {0, 1, 2, 3, 4, 5};
        // r = 0.5, then one uniform per cell, then the shift -1 (frames move one earlier)
        ScriptedRandom rng = new ScriptedRandom().thenFloats(0.5f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f).thenInts(-1);
        assertEquals(-1, new FeatureNoise(10).apply(x, frames, bins, rng));
        assertTrue(rng.exhausted());
        float[] noisy = {0 + 0.1f * 0.5f / 10, 1 + 0.2f * 0.5f / 10, 2 + 0.3f * 0.5f / 10, 3 + 0.4f * 0.5f / 10,
                4 + 0.5f * 0.5f / 10, 5 + 0.6f * 0.5f / 10};
        float[] rolled = {noisy[2], noisy[3], noisy[4], noisy[5], noisy[0], noisy[1]};
        assertArrayEquals(rolled, x);
    }
}
