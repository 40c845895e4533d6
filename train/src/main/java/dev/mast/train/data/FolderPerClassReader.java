package dev.mast.train.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a generic folder-per-class layout with a split file:
 * <pre>
 *   ROOT/&lt;class&gt;/.../*.wav     every .wav below a class folder (any depth) is a clip of that class
 *   SPLIT_FILE                 lines "SPLIT PATH": SPLIT is train, validation (valid, val) or test, PATH a clip
 *                              path relative to ROOT ('/'-separated, may contain spaces); blank lines are skipped
 * </pre>
 * Classes are the class folders in name order (folders starting with '.' are ignored). Clips the split file does not
 * mention are training clips, as in Speech Commands, so a file listing only the validation and test clips is enough.
 * A listed path that is not a clip, or a line with an unknown split, is an error naming the file and line.
 */
public final class FolderPerClassReader {
    private FolderPerClassReader() {}

    /** Reads {@code root} with the split file {@code splitFile}. */
    public static LabeledDataset read(Path root, Path splitFile) throws IOException {
        AudioFolder.requireFolder(root);
        List<String> lines = AudioFolder.lines(splitFile);
        List<Path> classFolders = AudioFolder.subfolders(root);
        if (classFolders.isEmpty()) throw new DatasetException(root, "no class folders");

        List<String> classes = new ArrayList<>();
        Map<String, Integer> labelOf = new HashMap<>();
        for (Path folder : classFolders) {
            int label = classes.size();
            classes.add(folder.getFileName().toString());
            for (Path f : AudioFolder.wavFilesRecursive(folder)) labelOf.put(AudioFolder.relative(root, f), label);
        }

        Map<String, Split> assigned = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String[] parts = line.split("\\s+", 2);
            Split split = Split.parse(parts[0]);
            if (split == null || parts.length < 2) {
                throw new DatasetException(splitFile, "line " + (i + 1) + ": expected 'train|validation|test PATH', got '"
                        + line + "'");
            }
            String path = parts[1].strip();
            if (!labelOf.containsKey(path)) {
                throw new DatasetException(splitFile, "line " + (i + 1) + ": '" + path + "' is not a clip under " + root);
            }
            Split before = assigned.put(path, split);
            if (before != null && before != split) {
                throw new DatasetException(splitFile, "line " + (i + 1) + ": '" + path + "' is in both " + before.label()
                        + " and " + split.label());
            }
        }

        Map<Split, List<Clip>> splits = new EnumMap<>(Split.class);
        for (Split s : Split.values()) splits.put(s, new ArrayList<>());
        List<String> paths = new ArrayList<>(labelOf.keySet());
        paths.sort(null);
        for (String p : paths) splits.get(assigned.getOrDefault(p, Split.TRAIN)).add(Clip.of(p, labelOf.get(p)));
        return new LabeledDataset(root, classes, splits);
    }
}
