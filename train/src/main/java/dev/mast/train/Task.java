package dev.mast.train;

import dev.mast.train.data.FolderPerClassReader;
import dev.mast.train.data.LabeledDataset;
import dev.mast.train.data.NSynthReader;
import dev.mast.train.data.SpeechCommandsReader;
import dev.mast.train.data.VoxCelebReader;
import dev.mast.train.data.VoxForgeReader;
import dev.mast.train.features.HeaderSampleCounter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A data set layout the training and evaluation commands read ({@code --task}), with its reader. */
public enum Task {
    /** Speech Commands v1/v2 and the synthetic kws set ({@link SpeechCommandsReader}). */
    SPEECH_COMMANDS("speech-commands"),
    /** A folder per class plus a split file ({@link FolderPerClassReader}). */
    FOLDER("folder"),
    /** VoxCeleb1 speaker identification ({@link VoxCelebReader}). */
    VOXCELEB("voxceleb"),
    /** VoxForge-style language identification ({@link VoxForgeReader}). */
    VOXFORGE("voxforge"),
    /** NSynth instrument family ({@link NSynthReader}). */
    NSYNTH("nsynth");

    private final String label;

    Task(String label) {
        this.label = label;
    }

    /** The name on the command line and in {@code run.json}. */
    public String label() {
        return label;
    }

    /** The task called {@code name}; the error lists the known ones. */
    public static Task parse(String name) {
        for (Task t : values()) {
            if (t.label.equals(name.toLowerCase(Locale.ROOT))) return t;
        }
        throw new IllegalArgumentException("unknown task '" + name + "' (expected "
                + Arrays.stream(values()).map(Task::label).collect(Collectors.joining(", ")) + ")");
    }

    /** Lists the data set {@code s} describes (classes and clips of each split; no audio is decoded). */
    public LabeledDataset read(DataSettings s) throws IOException {
        Path root = s.data();
        return switch (this) {
            case SPEECH_COMMANDS -> {
                SpeechCommandsReader.Options o = s.allWords() ? SpeechCommandsReader.Options.everyWord()
                        : s.keywords().isEmpty() ? SpeechCommandsReader.Options.keywordsAndUnknown()
                        : SpeechCommandsReader.Options.keywords(s.keywords());
                if (s.silence() > 0) o = o.withSilence(s.silence(), new HeaderSampleCounter());
                yield SpeechCommandsReader.read(root, o);
            }
            case FOLDER -> FolderPerClassReader.read(root, s.splitFile() != null ? s.splitFile()
                    : root.resolve("split.txt"));
            case VOXCELEB -> VoxCelebReader.read(root);
            case VOXFORGE -> VoxForgeReader.read(root);
            case NSYNTH -> NSynthReader.read(root);
        };
    }

    /** Background-noise recordings that come with the data set: Speech Commands' {@code _background_noise_}. */
    public List<Path> noiseFiles(Path root) throws IOException {
        if (this != SPEECH_COMMANDS || !Files.isDirectory(root.resolve(SpeechCommandsReader.BACKGROUND_FOLDER))) {
            return List.of();
        }
        return SpeechCommandsReader.backgroundNoiseFiles(root);
    }
}
