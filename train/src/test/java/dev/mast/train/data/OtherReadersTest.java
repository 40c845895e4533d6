package dev.mast.train.data;

import dev.mast.engine.io.FileFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Folder-per-class, VoxCeleb, VoxForge and NSynth readers on tiny layouts (empty audio files: nothing is decoded). */
class OtherReadersTest {
    @TempDir
    Path root;

    private void touch(String... rel) throws Exception {
        for (String r : rel) {
            Path p = root.resolve(r);
            Files.createDirectories(p.getParent());
            Files.createFile(p);
        }
    }

    @Test
    void folderPerClassWithSplitFile() throws Exception {
        touch("dog/a.wav", "dog/sub dir/b.wav", "cat/c.wav", "cat/d.WAV", "cat/notes.txt", ".hidden/x.wav");
        Path split = root.resolve("split.txt");
        Files.writeString(split, "validation cat/c.wav\n\ntest   dog/sub dir/b.wav\n");
        LabeledDataset d = FolderPerClassReader.read(root, split);
        assertEquals(List.of("cat", "dog"), d.classes());
        assertEquals(List.of(Clip.of("cat/d.WAV", 0), Clip.of("dog/a.wav", 1)), d.clips(Split.TRAIN));
        assertEquals(List.of(Clip.of("cat/c.wav", 0)), d.clips(Split.VALIDATION));
        assertEquals(List.of(Clip.of("dog/sub dir/b.wav", 1)), d.clips(Split.TEST));

        Files.writeString(split, "valid cat/c.wav\ndev dog/a.wav\n");
        var e = assertThrows(DatasetException.class, () -> FolderPerClassReader.read(root, split));
        assertEquals(split + ": line 2: expected 'train|validation|test PATH', got 'dev dog/a.wav'", e.getMessage());
        Files.writeString(split, "test cat/zzz.wav\n");
        e = assertThrows(DatasetException.class, () -> FolderPerClassReader.read(root, split));
        assertEquals(split + ": line 1: 'cat/zzz.wav' is not a clip under " + root, e.getMessage());
        e = assertThrows(DatasetException.class, () -> FolderPerClassReader.read(root, root.resolve("nope.txt")));
        assertEquals(root.resolve("nope.txt") + ": no such file", e.getMessage());
    }

    @Test
    void voxCelebIdentificationSplit() throws Exception {
        Files.createDirectories(root.resolve("wav"));
        Files.writeString(root.resolve("iden_split.txt"), """
                1 id10002/vidA/00001.wav
                1 id10001/vidB/00001.wav
                2 id10001/vidC/00002.wav
                3 id10002/vidD/00003.wav
                """);
        LabeledDataset d = VoxCelebReader.read(root);
        assertEquals(List.of("id10001", "id10002"), d.classes());
        assertEquals(List.of(Clip.of("wav/id10002/vidA/00001.wav", 1), Clip.of("wav/id10001/vidB/00001.wav", 0)),
                d.clips(Split.TRAIN));
        assertEquals(List.of(Clip.of("wav/id10001/vidC/00002.wav", 0)), d.clips(Split.VALIDATION));
        assertEquals(List.of(Clip.of("wav/id10002/vidD/00003.wav", 1)), d.clips(Split.TEST));

        Files.writeString(root.resolve("iden_split.txt"), "1 id10002/vidA/00001.wav\n4 id10001/vidB/00001.wav\n");
        var e = assertThrows(DatasetException.class, () -> VoxCelebReader.read(root));
        assertEquals(root.resolve("iden_split.txt") + ": line 2: expected '1|2|3 SPEAKER/VIDEO/FILE.wav', got '4 id10001/vidB/00001.wav'",
                e.getMessage());
        Files.delete(root.resolve("wav"));
        e = assertThrows(DatasetException.class, () -> VoxCelebReader.read(root));
        assertEquals(root.resolve("wav") + ": no such folder", e.getMessage());
    }

    @Test
    void voxForgeLanguageLists() throws Exception {
        touch("fr/aa-01/wav/0001.wav", "en/bb-02/wav/0001.wav", "en/bb-02/wav/0002.wav");
        Files.writeString(root.resolve("train.txt"), "fr/aa-01/wav/0001.wav\nen/bb-02/wav/0001.wav\n");
        Files.writeString(root.resolve("validation.txt"), "en/bb-02/wav/0002.wav\n");
        Files.writeString(root.resolve("test.txt"), "");
        LabeledDataset d = VoxForgeReader.read(root);
        assertEquals(List.of("en", "fr"), d.classes());
        assertEquals(List.of(Clip.of("fr/aa-01/wav/0001.wav", 1), Clip.of("en/bb-02/wav/0001.wav", 0)), d.clips(Split.TRAIN));
        assertEquals(List.of(Clip.of("en/bb-02/wav/0002.wav", 0)), d.clips(Split.VALIDATION));
        assertEquals(List.of(), d.clips(Split.TEST));
        Files.delete(root.resolve("test.txt"));
        var e = assertThrows(DatasetException.class, () -> VoxForgeReader.read(root));
        assertEquals(root.resolve("test.txt") + ": no such file", e.getMessage());
    }

    @Test
    void nsynthFamilies() throws Exception {
        for (String split : List.of("train", "valid", "test")) {
            Files.createDirectories(root.resolve("nsynth-" + split + "/audio"));
        }
        Files.writeString(root.resolve("nsynth-train/examples.json"), """
                {"reed_acoustic_001-060-100": {"instrument_family": 7, "instrument_family_str": "reed", "pitch": 60},
                 "bass_electronic_002-040-050": {"instrument_family": 0, "instrument_family_str": "bass",
                   "qualities": [0, 0], "note_str": "bass_electronic_002-040-050"}}
                """);
        Files.writeString(root.resolve("nsynth-valid/examples.json"), "{}");
        Files.writeString(root.resolve("nsynth-test/examples.json"),
                "{\"vocal_synthetic_003-070-127\": {\"instrument_family\": 10, \"instrument_family_str\": \"vocal\"}}");
        LabeledDataset d = NSynthReader.read(root);
        assertEquals(11, d.classCount());
        assertEquals(List.of(Clip.of("nsynth-train/audio/bass_electronic_002-040-050.wav", 0),
                Clip.of("nsynth-train/audio/reed_acoustic_001-060-100.wav", 7)), d.clips(Split.TRAIN));
        assertEquals(List.of(Clip.of("nsynth-test/audio/vocal_synthetic_003-070-127.wav", 10)), d.clips(Split.TEST));

        Files.writeString(root.resolve("nsynth-valid/examples.json"),
                "{\"x\": {\"instrument_family\": 3, \"instrument_family_str\": \"organ\"}}");
        var e = assertThrows(DatasetException.class, () -> NSynthReader.read(root));
        assertEquals(root.resolve("nsynth-valid/examples.json") + ": note 'x' lacks a valid instrument_family / "
                + "instrument_family_str pair", e.getMessage());
        Files.writeString(root.resolve("nsynth-valid/examples.json"), "{\"x\": ");
        var f = assertThrows(FileFormatException.class, () -> NSynthReader.read(root));
        assertEquals(root.resolve("nsynth-valid/examples.json") + ": invalid JSON at line 1, column 7: "
                + "unexpected end of input, expected a value",
                f.getMessage());
    }
}
