package dev.mast.train.features;

import dev.mast.audio.AudioFrontEnd;
import dev.mast.train.augment.AugmentSettings;
import dev.mast.train.augment.Example;
import dev.mast.train.augment.ExampleAugmenter;
import dev.mast.train.data.Clip;
import dev.mast.train.random.SampleKey;
import dev.mast.train.testing.SyntheticKws;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The on-disk feature cache: hits equal the computed features; content, segment and settings changes miss. */
class FeatureCacheTest {
    @TempDir
    Path dir;

    private Path tone(String name, double hz) throws IOException {
        float[] x = new float[8000];
        for (int i = 0; i < x.length; i++) x[i] = (float) (0.3 * Math.sin(2 * Math.PI * hz * i / 16000));
        Path f = dir.resolve("audio").resolve(name);
        SyntheticKws.writeWav(f, x, 16000);
        return f;
    }

    @Test
    void hitsEqualTheComputedFeaturesAndAnyChangeMisses() throws IOException {
        Path wav = tone("a.wav", 440);
        FeatureCache cache = new FeatureCache(dir.resolve("cache"));
        FbankFrontEnd fe = new FbankFrontEnd(AudioFrontEnd.Kind.KALDI, 40);
        DatasetClips clips = new DatasetClips(dir.resolve("audio"), List.of(Clip.of("a.wav", 0)), 1, cache);
        float[] direct = fe.features(ClipAudio.read(wav, Clip.of("a.wav", 0)));

        assertArrayEquals(direct, clips.features(0, fe));
        assertArrayEquals(direct, clips.features(0, fe));
        assertEquals(1, cache.misses());
        assertEquals(1, cache.hits());

        // same size and modification time, other content: a path/mtime key would serve stale features
        FileTime mtime = Files.getLastModifiedTime(wav);
        Path other = tone("b.wav", 880);
        Files.copy(other, wav, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(wav, mtime);
        float[] changed = fe.features(ClipAudio.read(wav, Clip.of("a.wav", 0)));
        assertArrayEquals(changed, clips.features(0, fe));
        assertEquals(2, cache.misses());

        FbankFrontEnd longer = new FbankFrontEnd(AudioFrontEnd.Kind.KALDI, 60);
        assertEquals(60 * 128, clips.features(0, longer).length);
        FbankFrontEnd librosa = new FbankFrontEnd(AudioFrontEnd.Kind.LIBROSA, 40);
        assertArrayEquals(librosa.features(ClipAudio.read(wav, Clip.of("a.wav", 0))), clips.features(0, librosa));
        DatasetClips segment = new DatasetClips(dir.resolve("audio"), List.of(new Clip("a.wav", 0, 800, 4000)), 1,
                cache);
        assertArrayEquals(fe.features(ClipAudio.read(wav, new Clip("a.wav", 0, 800, 4000))), segment.features(0, fe));
        assertEquals(5, cache.misses());
        assertEquals(1, cache.hits());
    }

    @Test
    void aDamagedEntryIsRecomputed() throws IOException {
        tone("a.wav", 440);
        FeatureCache cache = new FeatureCache(dir.resolve("cache"));
        FbankFrontEnd fe = new FbankFrontEnd(AudioFrontEnd.Kind.KALDI, 40);
        DatasetClips clips = new DatasetClips(dir.resolve("audio"), List.of(Clip.of("a.wav", 0)), 1, cache);
        float[] first = clips.features(0, fe);
        try (Stream<Path> entries = Files.list(dir.resolve("cache"))) {
            for (Path e : entries.toList()) Files.write(e, new byte[] {1, 2, 3});
        }
        assertArrayEquals(first, clips.features(0, fe));
        assertEquals(2, cache.misses());
        assertArrayEquals(first, clips.features(0, fe));
        assertEquals(1, cache.hits());
    }

    @Test
    void trainingExamplesAreTheSameWithAndWithoutTheCache() throws IOException {
        Path root = SyntheticKws.write(dir.resolve("kws"), 3);
        List<Clip> list;
        try (Stream<Path> files = Files.walk(root.resolve("low"))) {
            list = files.filter(Files::isRegularFile).sorted().map(p -> Clip.of(root.relativize(p).toString(), 0)).toList();
        }
        FbankFrontEnd fe = new FbankFrontEnd(AudioFrontEnd.Kind.KALDI, SyntheticKws.FRAMES);
        FeatureNormalization norm = new FeatureNormalization(-6f, 10f);
        // SpecAugment and feature noise act on the (cached) features; no waveform step is on
        AugmentSettings a = new AugmentSettings(0, 10, 0, 0, 0, 0, 0, 20, 10, true, 5, 0, 0);
        ExampleAugmenter plain = new ExampleAugmenter(a, List.of(), new DatasetClips(root, list, 2, null), fe, norm);
        FeatureCache cache = new FeatureCache(dir.resolve("cache"));
        ExampleAugmenter cached = new ExampleAugmenter(a, List.of(), new DatasetClips(root, list, 2, cache), fe, norm);
        SplittableRandom r = new SplittableRandom(1);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < list.size(); i++) {
                SampleKey key = new SampleKey(r.nextLong(), 0, i);
                Example x = plain.training(key, i), y = cached.training(key, i);
                assertArrayEquals(x.features(), y.features());
                assertArrayEquals(x.target(), y.target());
            }
        }
        assertEquals(list.size(), cache.misses());
        assertEquals(list.size(), cache.hits());
    }
}
