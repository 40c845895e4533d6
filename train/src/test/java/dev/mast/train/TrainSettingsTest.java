package dev.mast.train;

import dev.mast.train.augment.AugmentSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** run.json round trips exactly; bad files and values give one-line errors naming the field. */
class TrainSettingsTest {
    private static TrainSettings sample() {
        DataSettings d = new DataSettings("folder", Path.of("/data/set"), Path.of("/data/split.txt"),
                List.of("yes", "no"), false, 0.1, "librosa", 100, -6.845978f, 11.130905f, Path.of("/tmp/cache"));
        OptimSettings o = new OptimSettings(12, 32, 3e-4, 1e-6, 0.5, 0.05, 0.1, 1.5, "bce", 0.1);
        AugmentSettings a = new AugmentSettings(0.6, 10, 0, 1600, 0.3, 2.5, 17.25, 24, 20, true, 10, 0.1, 0.05);
        return new TrainSettings("small", 7, d, o, a, -42, 2, 3, 50);
    }

    @Test
    void roundTripsExactly() {
        TrainSettings s = sample();
        assertEquals(s, TrainSettings.parse(s.toJsonText(), "run.json"));
        TrainSettings open = s.withData(new DataSettings("speech-commands", Path.of("/d"), null, List.of(), true, 0,
                "kaldi", 98, Float.NaN, Float.NaN, null));
        assertEquals(open, TrainSettings.parse(open.toJsonText(), "run.json"));
    }

    @Test
    void badFilesAreOneLineErrors() {
        var e = assertThrows(IllegalArgumentException.class, () -> TrainSettings.parse("{", "x/run.json"));
        assertTrue(e.getMessage().startsWith("x/run.json: "), e.getMessage());
        String text = sample().toJsonText().replace("\"batch\": 32", "\"batch\": 0");
        e = assertThrows(IllegalArgumentException.class, () -> TrainSettings.parse(text, "run.json"));
        assertEquals("run.json: run.optim.batch: 0 is out of range [1, 1048576]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OptimSettings(5, 8, 1e-3, 0, 5, 0, 0, 0, "ce", 0));
        assertThrows(IllegalArgumentException.class, () -> sample().withThreads(0, 1));
    }
}
