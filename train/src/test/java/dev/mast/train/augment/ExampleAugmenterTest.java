package dev.mast.train.augment;

import dev.mast.train.random.EpochShuffle;
import dev.mast.train.random.SampleKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole augmentation chain with a toy front end: determinism, stream independence and the target mixing. */
class ExampleAugmenterTest {
    private static final int CLIPS = 12, SAMPLES = 1600, CLASSES = 4, FRAMES = 16, BINS = 10;

    private static final ExampleAugmenter.ClipSource SOURCE = new ExampleAugmenter.ClipSource() {
        @Override
        public int size() {
            return CLIPS;
        }

        @Override
        public float[] waveform(int clip) {
            SplittableRandom r = new SplittableRandom(100 + clip);
            float[] w = new float[SAMPLES + 50 * clip]; // lengths differ: exercises padding and truncation
            for (int i = 0; i < w.length; i++) w[i] = (float) (0.2 * Math.sin(i * 0.01 * (clip + 1)) + 0.02 * r.nextGaussian());
            return w;
        }

        @Override
        public float[] target(int clip) {
            float[] t = new float[CLASSES];
            t[clip % CLASSES] = 1;
            return t;
        }
    };

    /** A toy front end: per frame, the log energy of a 100-sample stretch scaled by bin. */
    private static final ExampleAugmenter.FrontEnd FRONT_END = new ExampleAugmenter.FrontEnd() {
        @Override
        public float[] features(float[] w) {
            float[] f = new float[FRAMES * BINS];
            for (int t = 0; t < FRAMES; t++) {
                double e = 1e-6;
                for (int i = t * 100; i < Math.min(w.length, (t + 1) * 100); i++) e += w[i] * w[i];
                for (int b = 0; b < BINS; b++) f[t * BINS + b] = (float) (Math.log(e) * (b + 1) / BINS);
            }
            return f;
        }

        @Override
        public int frames() {
            return FRAMES;
        }

        @Override
        public int bins() {
            return BINS;
        }
    };

    private static final ExampleAugmenter.Normalizer NORMALIZE = x -> {
        for (int i = 0; i < x.length; i++) x[i] = (x[i] + 4f) / 4f;
    };

    private static List<float[]> noises() {
        SplittableRandom r = new SplittableRandom(8);
        float[] n = new float[3000];
        for (int i = 0; i < n.length; i++) n[i] = (float) r.nextGaussian();
        return List.of(n);
    }

    private static AugmentSettings everything() {
        return new AugmentSettings(0.5, 10, 1400, 80, 0.8, 0, 20, 3, 4, true, 2, 0.1, 0.05);
    }

    private static ExampleAugmenter augmenter(AugmentSettings s) {
        return new ExampleAugmenter(s, noises(), SOURCE, FRONT_END, NORMALIZE);
    }

    @Test
    void sameKeySameExampleWhateverTheThreadAndOrder() throws Exception {
        ExampleAugmenter aug = augmenter(everything());
        long seed = 77;
        int epoch = 2;
        int[] order = EpochShuffle.order(seed, epoch, CLIPS);
        List<Example> sequential = new ArrayList<>();
        for (int p = 0; p < CLIPS; p++) sequential.add(aug.training(new SampleKey(seed, epoch, p), order[p]));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Example>> futures = new ArrayList<>();
            for (int p = CLIPS - 1; p >= 0; p--) { // reverse order, three threads
                int pos = p;
                futures.add(pool.submit(() -> aug.training(new SampleKey(seed, epoch, pos), order[pos])));
            }
            for (int p = 0; p < CLIPS; p++) {
                Example e = futures.get(CLIPS - 1 - p).get();
                assertArrayEquals(sequential.get(p).features(), e.features(), "position " + p);
                assertArrayEquals(sequential.get(p).target(), e.target(), "position " + p);
            }
        } finally {
            pool.shutdown();
        }
        // a different epoch augments differently
        Example other = aug.training(new SampleKey(seed, epoch + 1, 0), order[0]);
        assertFalse(Arrays.equals(sequential.get(0).features(), other.features()));
    }

    @Test
    void switchingOneStepOffLeavesTheOthersDrawsAlone() throws Exception {
        // Without mixup and background noise, SpecAugment must still mask the same cells at the same key.
        AugmentSettings masksOnly = new AugmentSettings(0, 10, 0, 0, 0, 0, 0, 3, 4, false, 0, 0, 0);
        AugmentSettings masksAndMixup = new AugmentSettings(0.9, 10, 0, 0, 0.9, 0, 20, 3, 4, false, 0, 0, 0);
        SampleKey key = new SampleKey(5, 0, 3);
        float[] a = augmenter(masksOnly).training(key, 1).features();
        float[] b = augmenter(masksAndMixup).training(key, 1).features();
        float zero = 1f; // a masked cell (0) after normalisation (x + 4) / 4
        boolean anyMasked = false;
        for (int i = 0; i < a.length; i++) {
            boolean maskedA = a[i] == zero, maskedB = b[i] == zero;
            assertEquals(maskedA, maskedB, "cell " + i);
            anyMasked |= maskedA;
        }
        assertTrue(anyMasked, "the key should mask something");
    }

    @Test
    void mixupMixesTargetsWithTheWaveforms() throws Exception {
        AugmentSettings alwaysMix = new AugmentSettings(1.0, 10, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 0);
        ExampleAugmenter aug = augmenter(alwaysMix);
        int mixedPairs = 0;
        for (int p = 0; p < 40; p++) {
            float[] t = aug.training(new SampleKey(3, 0, p), 2).target();
            double sum = 0;
            int nonZero = 0;
            for (float x : t) {
                sum += x;
                if (x > 0) nonZero++;
            }
            assertEquals(1.0, sum, 1e-6);
            assertTrue(t[2] >= 0.25f, "Beta(10, 10) keeps λ near 1/2: " + Arrays.toString(t));
            if (nonZero == 2) mixedPairs++;
        }
        assertTrue(mixedPairs > 20, "partners of another class: " + mixedPairs);
    }

    @Test
    void evaluationIsPlainFrontEndAndNormalisation() throws Exception {
        ExampleAugmenter aug = augmenter(AugmentSettings.none());
        float[] w = SOURCE.waveform(4);
        Example e = aug.evaluation(w, SOURCE.target(4));
        float[] expected = FRONT_END.features(w);
        NORMALIZE.normalize(expected);
        assertArrayEquals(expected, e.features());
        // and training with everything off is the same computation
        assertArrayEquals(expected, aug.training(new SampleKey(1, 0, 0), 4).features());
    }
}
