package dev.mast.train.data;

import dev.mast.train.augment.AugmentSettings;
import dev.mast.train.augment.Example;
import dev.mast.train.augment.ExampleAugmenter;
import dev.mast.train.random.EpochShuffle;
import dev.mast.train.random.RandomStream;
import dev.mast.train.random.SampleKey;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BatchPipelineTest {
    /** A source whose examples are random numbers drawn from their key, after a little random busy work. */
    private static final BatchPipeline.ExampleSource SOURCE = (epoch, position) -> {
        RandomGenerator r = new SampleKey(9, epoch, position).generator(RandomStream.FEATURE_NOISE);
        float[] f = new float[6];
        for (int i = 0; i < f.length; i++) f[i] = r.nextFloat();
        long spin = r.nextInt(20_000);
        for (long i = 0; i < spin; i++) f[0] += 1e-12f; // uneven work so workers finish out of order
        return new Example(f, 2, 3, new float[] {position % 3, epoch});
    };

    private static List<BatchPipeline.Batch> run(int threads, int prefetch, int epoch, int firstBatch) throws IOException {
        List<BatchPipeline.Batch> out = new ArrayList<>();
        try (BatchPipeline p = new BatchPipeline(SOURCE, 23, 5, threads, prefetch);
             BatchPipeline.Epoch e = p.epoch(epoch, firstBatch)) {
            while (e.hasNext()) out.add(e.next());
        }
        return out;
    }

    @Test
    void sameBatchesForAnyThreadCountAndFromAnyStartingBatch() throws Exception {
        List<BatchPipeline.Batch> one = run(1, 1, 4, 0);
        assertEquals(5, one.size());
        assertEquals(List.of(5, 5, 5, 5, 3), one.stream().map(BatchPipeline.Batch::size).toList());
        assertArrayEquals(new int[] {20, 21, 22}, one.get(4).positions());
        List<BatchPipeline.Batch> three = run(3, 4, 4, 0);
        List<BatchPipeline.Batch> resumed = run(2, 2, 4, 3);
        assertEquals(2, resumed.size());
        for (int b = 0; b < 5; b++) {
            assertArrayEquals(one.get(b).features(), three.get(b).features(), "batch " + b);
            assertArrayEquals(one.get(b).targets(), three.get(b).targets(), "batch " + b);
            if (b >= 3) assertArrayEquals(one.get(b).features(), resumed.get(b - 3).features(), "resumed batch " + b);
        }
        Example fifth = SOURCE.example(4, 7);
        float[] row = new float[6];
        System.arraycopy(one.get(1).features(), 2 * 6, row, 0, 6);
        assertArrayEquals(fifth.features(), row);
        assertFalse(Arrays.equals(one.get(0).features(), run(1, 1, 5, 0).get(0).features()));
    }

    @Test
    void sourceErrorsSurfaceWithTheirMessage() throws Exception {
        BatchPipeline.ExampleSource failing = (epoch, position) -> {
            if (position == 7) throw new DatasetException(Path.of("kws/yes/bad.wav"), "not a WAV file");
            return SOURCE.example(epoch, position);
        };
        try (BatchPipeline p = new BatchPipeline(failing, 10, 4, 2, 3); BatchPipeline.Epoch e = p.epoch(0, 0)) {
            e.next();
            var ex = assertThrows(DatasetException.class, e::next);
            assertEquals("kws/yes/bad.wav: not a WAV file", ex.getMessage());
        }
    }

    @Test
    void trainingPipelineShufflesPerEpoch() throws Exception {
        // clip i's "waveform" is its index; with no augmentation the target row reveals which clip was used
        var source = new ExampleAugmenter.ClipSource() {
            @Override
            public int size() {
                return 12;
            }

            @Override
            public float[] waveform(int clip) {
                return new float[] {clip};
            }

            @Override
            public float[] target(int clip) {
                float[] t = new float[12];
                t[clip] = 1;
                return t;
            }
        };
        var frontEnd = new ExampleAugmenter.FrontEnd() {
            @Override
            public float[] features(float[] w) {
                return w.clone();
            }

            @Override
            public int frames() {
                return 1;
            }

            @Override
            public int bins() {
                return 1;
            }
        };
        var aug = new ExampleAugmenter(AugmentSettings.none(), List.of(),
                source, frontEnd, x -> { });
        try (BatchPipeline p = BatchPipeline.training(aug, 12, 77, 4, 2, 2)) {
            for (int epoch = 0; epoch < 2; epoch++) {
                int[] order = EpochShuffle.order(77, epoch, 12);
                try (BatchPipeline.Epoch e = p.epoch(epoch, 0)) {
                    for (int b = 0; b < 3; b++) {
                        float[] f = e.next().features();
                        for (int i = 0; i < 4; i++) assertEquals(order[4 * b + i], (int) f[i]);
                    }
                }
            }
        }
    }
}
