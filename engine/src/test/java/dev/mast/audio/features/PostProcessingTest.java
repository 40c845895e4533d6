package dev.mast.audio.features;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Pad/crop, normalisation and data-set statistics. */
class PostProcessingTest {
    private static LogMel ramp(int frames) {
        float[] d = new float[frames * 4];
        for (int i = 0; i < d.length; i++) d[i] = i - 7.5f;
        return new LogMel(frames, 4, d);
    }

    @Test
    void padAppendsZeroRowsAndCropKeepsTheFirstFrames() {
        LogMel m = ramp(3);
        LogMel padded = PadCrop.apply(m, 5);
        assertEquals(5, padded.frames());
        for (int i = 0; i < 12; i++) assertEquals(m.data()[i], padded.data()[i]);
        for (int i = 12; i < 20; i++) assertEquals(0f, padded.data()[i]);
        LogMel cropped = PadCrop.apply(m, 2);
        assertArrayEquals(java.util.Arrays.copyOf(m.data(), 8), cropped.data());
        assertSame(m, PadCrop.apply(m, 3));
    }

    @Test
    void normalisationDividesByTwiceTheStd() {
        LogMel m = ramp(2);
        LogMel n = new FeatureNormalizer(-4f, 2.5f).apply(m);
        for (int i = 0; i < m.data().length; i++) assertEquals((m.data()[i] + 4f) / 5f, n.data()[i], 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new FeatureNormalizer(0f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new FeatureNormalizer(Float.NaN, 1f));
    }

    @Test
    void statsEqualATwoPassComputationWhateverTheGrouping() {
        Random rnd = new Random(3);
        LogMel[] files = new LogMel[7];
        double sum = 0;
        long n = 0;
        for (int f = 0; f < files.length; f++) {
            float[] d = new float[(1 + rnd.nextInt(40)) * 8];
            for (int i = 0; i < d.length; i++) d[i] = (float) (rnd.nextGaussian() * 5 - 7 + f);
            files[f] = new LogMel(d.length / 8, 8, d);
            for (float v : d) sum += v;
            n += d.length;
        }
        double mean = sum / n, ss = 0;
        for (LogMel m : files) for (float v : m.data()) ss += (v - mean) * (v - mean);
        double std = Math.sqrt(ss / n);

        FbankStats all = new FbankStats();
        for (LogMel m : files) all.add(m);
        FbankStats left = new FbankStats(), right = new FbankStats();
        for (int f = 0; f < 3; f++) left.add(files[f]);
        for (int f = 3; f < files.length; f++) right.add(files[f]);
        left.merge(right);
        for (FbankStats s : new FbankStats[] {all, left}) {
            assertEquals(n, s.count());
            assertEquals(7, s.files());
            assertEquals(mean, s.mean(), 1e-12);
            assertEquals(std, s.std(), 1e-12);
        }
        assertEquals((float) mean, all.normalizer().mean());
    }
}
