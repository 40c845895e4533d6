package dev.mast.train.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads the VoxForge-style language-identification layout (LAPE's LID task, the synthetic {@code lid} set):
 * <pre>
 *   ROOT/&lt;language&gt;/&lt;speaker&gt;-&lt;session&gt;/wav/NNNN.wav
 *   ROOT/train.txt, validation.txt, test.txt     relative wav paths, one per line
 * </pre>
 * The class of a clip is the first component of its path; classes are the languages in name order.
 */
public final class VoxForgeReader {
    private VoxForgeReader() {}

    public static LabeledDataset read(Path root) throws IOException {
        AudioFolder.requireFolder(root);
        Map<Split, List<String>> lists = new EnumMap<>(Split.class);
        TreeSet<String> languages = new TreeSet<>();
        for (Split s : Split.values()) {
            Path file = root.resolve(s.label() + ".txt");
            List<String> lines = AudioFolder.lines(file);
            for (int i = 0; i < lines.size(); i++) {
                int slash = lines.get(i).indexOf('/');
                if (slash < 1) {
                    throw new DatasetException(file, "line " + (i + 1) + ": expected 'LANGUAGE/.../FILE.wav', got '"
                            + lines.get(i) + "'");
                }
                languages.add(lines.get(i).substring(0, slash));
            }
            lists.put(s, lines);
        }
        List<String> classes = new ArrayList<>(languages);
        Map<String, Integer> labelOf = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) labelOf.put(classes.get(i), i);
        for (String language : classes) AudioFolder.requireFolder(root.resolve(language));
        Map<Split, List<Clip>> splits = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            List<Clip> clips = new ArrayList<>();
            for (String p : lists.get(s)) clips.add(Clip.of(p, labelOf.get(p.substring(0, p.indexOf('/')))));
            splits.put(s, clips);
        }
        return new LabeledDataset(root, classes, splits);
    }
}
