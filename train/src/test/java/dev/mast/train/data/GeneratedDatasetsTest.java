package dev.mast.train.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opt-in check of the readers on the data sets that {@code shared/datasets/make_dev.sh OUT --small} generates: set
 * {@code MAST_LAPE_SMALL=OUT} to run it (CI does not build the audio). Counts are cross-checked against the files
 * and list files themselves, and against the sizes the datasets README gives for {@code --small}.
 */
@EnabledIfEnvironmentVariable(named = "MAST_LAPE_SMALL", matches = ".+")
class GeneratedDatasetsTest {
    private static final Path ROOT = Path.of(System.getenv().getOrDefault("MAST_LAPE_SMALL", "."));

    private static long wavFilesUnder(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".wav")).count();
        }
    }

    private static int total(LabeledDataset d) {
        return d.clips(Split.TRAIN).size() + d.clips(Split.VALIDATION).size() + d.clips(Split.TEST).size();
    }

    private static void assertFilesExist(LabeledDataset d) {
        for (Split s : Split.values()) {
            for (Clip c : d.clips(s)) assertTrue(Files.isRegularFile(d.resolve(c)), c.path());
        }
    }

    @Test
    void kws() throws Exception {
        Path kws = ROOT.resolve("kws");
        LabeledDataset d = SpeechCommandsReader.read(kws, SpeechCommandsReader.Options.keywordsAndUnknown());
        assertEquals(List.of("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go", "_unknown_"), d.classes());
        assertEquals(60, total(d)); // README: 4 per keyword, 2 per unknown word
        assertEquals(wavFilesUnder(kws) - 5, total(d)); // all but the five background recordings
        assertEquals(AudioFolder.lines(kws.resolve("validation_list.txt")).size(), d.clips(Split.VALIDATION).size());
        assertEquals(AudioFolder.lines(kws.resolve("testing_list.txt")).size(), d.clips(Split.TEST).size());
        int[] all = new int[11];
        for (Split s : Split.values()) {
            int[] c = d.classCounts(s);
            for (int i = 0; i < 11; i++) all[i] += c[i];
        }
        assertArrayEquals(new int[] {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 20}, all);
        assertFilesExist(d);
        assertEquals(5, SpeechCommandsReader.backgroundNoiseFiles(kws).size());

        LabeledDataset words = SpeechCommandsReader.read(kws, SpeechCommandsReader.Options.everyWord());
        assertEquals(20, words.classCount());
        // 60 s recordings as in the README: 16-bit mono, so samples = (bytes - 44) / 2 for these plain headers
        LabeledDataset silence = SpeechCommandsReader.read(kws, SpeechCommandsReader.Options.keywordsAndUnknown()
                .withSilence(0.1, f -> (Files.size(f) - 44) / 2));
        assertEquals("_silence_", silence.classes().get(11));
        assertEquals(Math.round(0.1 * d.clips(Split.TRAIN).size()), silence.classCounts(Split.TRAIN)[11]);
    }

    @Test
    void spk() throws Exception {
        LabeledDataset d = VoxCelebReader.read(ROOT.resolve("spk"));
        assertEquals(13, d.classCount());
        assertEquals(78, total(d)); // 13 speakers x 6 utterances
        assertEquals(wavFilesUnder(ROOT.resolve("spk/wav")), total(d));
        assertFilesExist(d);
    }

    @Test
    void lid() throws Exception {
        LabeledDataset d = VoxForgeReader.read(ROOT.resolve("lid"));
        assertEquals(List.of("de", "en", "es", "fr", "it", "ru"), d.classes());
        assertEquals(48, total(d)); // 6 languages x 8 utterances
        assertFilesExist(d);
    }

    @Test
    void nsynth() throws Exception {
        LabeledDataset d = NSynthReader.read(ROOT.resolve("nsynth"));
        assertEquals(177, total(d)); // README: one note per instrument, 177 in all
        assertEquals(wavFilesUnder(ROOT.resolve("nsynth")), total(d));
        assertFilesExist(d);
    }
}
