package dev.mast.cli;

import dev.mast.audio.features.LogMel;
import dev.mast.model.Classifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The audio files of a {@code classify} or {@code embed} command line, turned into model input a batch at a time
 * (so memory stays bounded however many files are given), with one error line per file that cannot be read.
 */
final class AudioBatches {
    /** One file: its features, or the one-line reason it has none. */
    record Item(Path file, LogMel features, String error) {}

    private AudioBatches() {}

    /** The files named on the command line; a usage error when there are none. */
    static List<Path> files(Args args, String command) {
        List<String> pos = args.positional();
        if (pos.isEmpty()) throw new UsageException(command, "no audio files given");
        return pos.stream().map(Path::of).toList();
    }

    /** Front-end output for {@code files}, in order; decoding errors are recorded, not thrown. */
    static List<Item> features(Classifier classifier, List<Path> files) {
        List<Item> out = new ArrayList<>(files.size());
        for (Path f : files) {
            try {
                out.add(new Item(f, classifier.features(f), null));
            } catch (IOException e) {
                String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                out.add(new Item(f, null, m.startsWith(f.toString()) ? m : f + ": " + m));
            }
        }
        return out;
    }

    /** The features of the items that have them, in order. */
    static List<LogMel> good(List<Item> items) {
        return items.stream().filter(i -> i.error() == null).map(Item::features).toList();
    }
}
