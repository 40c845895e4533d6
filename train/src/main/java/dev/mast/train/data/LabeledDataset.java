package dev.mast.train.data;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A classification data set as lists of clips per split, with the class names. What the readers of this package
 * return; decoding the audio is the caller's business ({@link #resolve} gives the file of a clip).
 *
 * @param root    the data set folder
 * @param classes class names; a clip's label indexes this list
 */
public record LabeledDataset(Path root, List<String> classes, Map<Split, List<Clip>> splits) {
    public LabeledDataset {
        classes = List.copyOf(classes);
        EnumMap<Split, List<Clip>> copy = new EnumMap<>(Split.class);
        for (Split s : Split.values()) copy.put(s, List.copyOf(splits.getOrDefault(s, List.of())));
        splits = copy;
        for (List<Clip> clips : splits.values()) {
            for (Clip c : clips) {
                if (c.label() < 0 || c.label() >= classes.size()) {
                    throw new IllegalArgumentException("clip " + c.path() + " has label " + c.label() + " of "
                            + classes.size() + " classes");
                }
            }
        }
    }

    /** The clips of {@code split} (possibly empty). */
    public List<Clip> clips(Split split) {
        return splits.get(split);
    }

    /** The audio file of {@code clip}. */
    public Path resolve(Clip clip) {
        return root.resolve(clip.path());
    }

    public int classCount() {
        return classes.size();
    }

    /** Clips per class in {@code split}. */
    public int[] classCounts(Split split) {
        int[] counts = new int[classes.size()];
        for (Clip c : clips(split)) counts[c.label()]++;
        return counts;
    }

    /** One line: "ROOT: K classes, train / validation / test = a / b / c clips". */
    public String summary() {
        return root + ": " + classes.size() + " classes, train / validation / test = " + clips(Split.TRAIN).size()
                + " / " + clips(Split.VALIDATION).size() + " / " + clips(Split.TEST).size() + " clips";
    }
}
