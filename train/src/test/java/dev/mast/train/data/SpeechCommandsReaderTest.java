package dev.mast.train.data;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Speech Commands reader on a tiny layout written into a temporary folder. */
class SpeechCommandsReaderTest {
    @TempDir
    Path root;

    /**
     * yes: 4 clips, no: 3, bed: 2, cat: 1 (unknown words); 12 s of background noise.
     * validation: yes/a, bed/a; test: no/a, cat/a.
     */
    @BeforeEach
    void layout() throws Exception {
        for (String f : List.of("yes/a_nohash_0.wav", "yes/b_nohash_0.wav", "yes/c_nohash_0.wav", "yes/d_nohash_0.wav",
                "no/a_nohash_0.wav", "no/b_nohash_0.wav", "no/c_nohash_0.wav", "bed/a_nohash_0.wav",
                "bed/b_nohash_0.wav", "cat/a_nohash_0.wav")) {
            TinyWav.write(root.resolve(f), 160);
        }
        TinyWav.write(root.resolve("_background_noise_/white_noise.wav"), 12 * 16000 + 5);
        Files.writeString(root.resolve("validation_list.txt"), "bed/a_nohash_0.wav\nyes/a_nohash_0.wav\n");
        Files.writeString(root.resolve("testing_list.txt"), "cat/a_nohash_0.wav\nno/a_nohash_0.wav\n\n");
        Files.writeString(root.resolve("classes.txt"), "keywords: yes no\nunknown: bed cat\n");
    }

    @Test
    void keywordsFromClassesFilePlusUnknown() throws Exception {
        LabeledDataset d = SpeechCommandsReader.read(root, SpeechCommandsReader.Options.keywordsAndUnknown());
        assertEquals(List.of("yes", "no", "_unknown_"), d.classes());
        assertEquals(List.of(Clip.of("bed/b_nohash_0.wav", 2), Clip.of("no/b_nohash_0.wav", 1),
                Clip.of("no/c_nohash_0.wav", 1), Clip.of("yes/b_nohash_0.wav", 0), Clip.of("yes/c_nohash_0.wav", 0),
                Clip.of("yes/d_nohash_0.wav", 0)), d.clips(Split.TRAIN));
        assertEquals(List.of(Clip.of("bed/a_nohash_0.wav", 2), Clip.of("yes/a_nohash_0.wav", 0)), d.clips(Split.VALIDATION));
        assertEquals(List.of(Clip.of("cat/a_nohash_0.wav", 2), Clip.of("no/a_nohash_0.wav", 1)), d.clips(Split.TEST));
        assertEquals(root.resolve("yes/b_nohash_0.wav"), d.resolve(d.clips(Split.TRAIN).get(3)));
    }

    @Test
    void everyWordIsAClass() throws Exception {
        LabeledDataset d = SpeechCommandsReader.read(root, SpeechCommandsReader.Options.everyWord());
        assertEquals(List.of("bed", "cat", "no", "yes"), d.classes());
        assertEquals(10, d.clips(Split.TRAIN).size() + d.clips(Split.VALIDATION).size() + d.clips(Split.TEST).size());
        assertArrayEquals(new int[] {1, 0, 2, 3}, d.classCounts(Split.TRAIN));
    }

    @Test
    void silenceFromBackgroundNoiseWithoutSharingNoiseBetweenSplits() throws Exception {
        var options = SpeechCommandsReader.Options.keywords(List.of("yes")).withSilence(1.0, TinyWav::samples);
        LabeledDataset d = SpeechCommandsReader.read(root, options);
        assertEquals(List.of("yes", "_unknown_", "_silence_"), d.classes());
        // 12 whole seconds: windows 0..8 train (9 = 12*8/10), 9 validation (12/10 = 1), 10..11 test
        List<Clip> train = d.clips(Split.TRAIN).stream().filter(c -> c.label() == 2).toList();
        List<Clip> val = d.clips(Split.VALIDATION).stream().filter(c -> c.label() == 2).toList();
        List<Clip> test = d.clips(Split.TEST).stream().filter(c -> c.label() == 2).toList();
        assertEquals(6, train.size()); // as many as the 6 training word clips
        assertEquals(2, val.size());
        assertEquals(2, test.size());
        // evenly spaced over the 9 training windows: k * 9 / 6 = 0, 1, 3, 4, 6, 7
        assertEquals(List.of(0L, 16000L, 48000L, 64000L, 96000L, 112000L), train.stream().map(Clip::offset).toList());
        for (Clip c : train) {
            assertEquals("_background_noise_/white_noise.wav", c.path());
            assertEquals(16000, c.length());
            assertTrue(c.isSegment());
        }
        assertEquals(List.of(144000L, 144000L), val.stream().map(Clip::offset).toList()); // one window, repeated
        assertEquals(List.of(160000L, 176000L), test.stream().map(Clip::offset).toList());
    }

    @Test
    void oneLineErrorsNameTheMissingThing() throws Exception {
        var e = assertThrows(DatasetException.class, () -> SpeechCommandsReader.read(root,
                SpeechCommandsReader.Options.keywords(List.of("yes", "go"))));
        assertEquals(root.resolve("go") + ": no such folder (keyword 'go')", e.getMessage());

        Files.writeString(root.resolve("testing_list.txt"), "no/a_nohash_0.wav\nno/zzz_nohash_0.wav\n");
        e = assertThrows(DatasetException.class, () -> SpeechCommandsReader.read(root,
                SpeechCommandsReader.Options.everyWord()));
        assertEquals(root.resolve("testing_list.txt") + ": lists 'no/zzz_nohash_0.wav', which is not a clip of the data set",
                e.getMessage());

        Files.delete(root.resolve("validation_list.txt"));
        e = assertThrows(DatasetException.class, () -> SpeechCommandsReader.read(root,
                SpeechCommandsReader.Options.everyWord()));
        assertEquals(root.resolve("validation_list.txt") + ": no such file", e.getMessage());

        Path missing = root.resolve("nowhere");
        e = assertThrows(DatasetException.class, () -> SpeechCommandsReader.read(missing,
                SpeechCommandsReader.Options.everyWord()));
        assertEquals(missing + ": no such folder", e.getMessage());
    }

    @Test
    void withoutClassesFileTheStandardKeywordsAreRequired() throws Exception {
        Files.delete(root.resolve("classes.txt"));
        var e = assertThrows(DatasetException.class, () -> SpeechCommandsReader.read(root,
                SpeechCommandsReader.Options.keywordsAndUnknown()));
        assertEquals(root.resolve("yes").getParent().resolve("up") + ": no such folder (keyword 'up')", e.getMessage());
    }

    @Test
    void backgroundNoiseFolderIsListedAndRequired() throws Exception {
        assertEquals(List.of(root.resolve("_background_noise_/white_noise.wav")),
                SpeechCommandsReader.backgroundNoiseFiles(root));
        var e = assertThrows(DatasetException.class, () -> SpeechCommandsReader.backgroundNoiseFiles(root.resolve("yes")));
        assertEquals(root.resolve("yes/_background_noise_") + ": no such folder", e.getMessage());
    }
}
