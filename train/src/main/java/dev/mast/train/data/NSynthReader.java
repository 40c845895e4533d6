package dev.mast.train.data;

import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.io.Json;
import dev.mast.engine.io.JsonException;
import dev.mast.engine.io.JsonFields;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the NSynth layout for instrument-family classification (LAPE's MIC task, the synthetic {@code nsynth} set):
 * <pre>
 *   ROOT/nsynth-{train,valid,test}/examples.json   keyed by note name; fields instrument_family (0..10) and
 *                                                  instrument_family_str among others
 *   ROOT/nsynth-{train,valid,test}/audio/&lt;note&gt;.wav
 * </pre>
 * Classes are NSynth's eleven families in NSynth's index order ({@link #FAMILIES}); a note's label is its
 * {@code instrument_family}, which must agree with its {@code instrument_family_str}. Notes are listed in name order.
 */
public final class NSynthReader {
    /** NSynth's instrument families, indexed by {@code instrument_family}. */
    public static final List<String> FAMILIES = List.of("bass", "brass", "flute", "guitar", "keyboard", "mallet",
            "organ", "reed", "string", "synth_lead", "vocal");

    private NSynthReader() {}

    public static LabeledDataset read(Path root) throws IOException {
        AudioFolder.requireFolder(root);
        Map<Split, List<Clip>> splits = new EnumMap<>(Split.class);
        splits.put(Split.TRAIN, readSplit(root, "nsynth-train"));
        splits.put(Split.VALIDATION, readSplit(root, "nsynth-valid"));
        splits.put(Split.TEST, readSplit(root, "nsynth-test"));
        return new LabeledDataset(root, FAMILIES, splits);
    }

    private static List<Clip> readSplit(Path root, String folder) throws IOException {
        Path file = root.resolve(folder).resolve("examples.json");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "no such file");
        }
        JsonFields examples;
        try {
            // No length limit: the text is already in memory, and NSynth's training list is over 100 MB.
            examples = JsonFields.of(Json.parse(text, Json.DEFAULT_MAX_DEPTH, Integer.MAX_VALUE), "examples");
        } catch (JsonException e) {
            throw new FileFormatException(file.toString(), e.getMessage());
        }
        List<String> notes = new ArrayList<>(examples.keys());
        notes.sort(null);
        List<Clip> clips = new ArrayList<>();
        for (String note : notes) {
            if (!(examples.raw(note) instanceof Map<?, ?> fields)
                    || !(fields.get("instrument_family") instanceof Long family)
                    || family < 0 || family >= FAMILIES.size()
                    || !FAMILIES.get((int) (long) family).equals(fields.get("instrument_family_str"))) {
                throw new DatasetException(file, "note '" + note + "' lacks a valid instrument_family / "
                        + "instrument_family_str pair");
            }
            clips.add(Clip.of(folder + "/audio/" + note + ".wav", (int) (long) family));
        }
        return clips;
    }
}
