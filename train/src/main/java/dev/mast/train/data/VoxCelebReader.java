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
 * Reads the VoxCeleb1 identification layout (LAPE's SID task, and the synthetic {@code spk} set):
 * <pre>
 *   ROOT/wav/&lt;speaker id&gt;/&lt;video id&gt;/&lt;n&gt;.wav
 *   ROOT/iden_split.txt       lines "1|2|3 &lt;speaker id&gt;/&lt;video id&gt;/&lt;n&gt;.wav"
 *                             (1 train, 2 validation, 3 test)
 * </pre>
 * Classes are the speaker ids in name order. Clip paths are relative to ROOT ({@code wav/...}); the files themselves
 * are not checked here (the real list has 153,516 entries), only the {@code wav} folder.
 */
public final class VoxCelebReader {
    private VoxCelebReader() {}

    public static LabeledDataset read(Path root) throws IOException {
        AudioFolder.requireFolder(root);
        Path listFile = root.resolve("iden_split.txt");
        List<String> lines = AudioFolder.lines(listFile);
        AudioFolder.requireFolder(root.resolve("wav"));
        List<Split> split = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        TreeSet<String> speakers = new TreeSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] parts = lines.get(i).split("\\s+");
            Split s = parts.length == 2 ? switch (parts[0]) {
                case "1" -> Split.TRAIN;
                case "2" -> Split.VALIDATION;
                case "3" -> Split.TEST;
                default -> null;
            } : null;
            int slash = parts.length == 2 ? parts[1].indexOf('/') : -1;
            if (s == null || slash < 1) {
                throw new DatasetException(listFile, "line " + (i + 1) + ": expected '1|2|3 SPEAKER/VIDEO/FILE.wav', got '"
                        + lines.get(i) + "'");
            }
            split.add(s);
            paths.add(parts[1]);
            speakers.add(parts[1].substring(0, slash));
        }
        List<String> classes = new ArrayList<>(speakers);
        Map<String, Integer> labelOf = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) labelOf.put(classes.get(i), i);
        Map<Split, List<Clip>> splits = new EnumMap<>(Split.class);
        for (Split s : Split.values()) splits.put(s, new ArrayList<>());
        for (int i = 0; i < paths.size(); i++) {
            String p = paths.get(i);
            splits.get(split.get(i)).add(Clip.of("wav/" + p, labelOf.get(p.substring(0, p.indexOf('/')))));
        }
        return new LabeledDataset(root, classes, splits);
    }
}
