package dev.mast.train.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the Speech Commands layout (v1 and v2, and the synthetic {@code kws} set of {@code shared/datasets}):
 * <pre>
 *   ROOT/&lt;word&gt;/&lt;speaker&gt;_nohash_&lt;n&gt;.wav
 *   ROOT/_background_noise_/*.wav            long noise recordings
 *   ROOT/validation_list.txt, testing_list.txt   relative paths; training = every clip in neither list
 *   ROOT/classes.txt                         optional (synthetic set): "keywords: ..." and "unknown: ..." lines
 * </pre>
 * Classes, by {@link Options}:
 * <ul>
 *   <li>all words: every word folder is a class, in name order (the 35-class V2 task);</li>
 *   <li>keywords: the given words in the given order, then {@code _unknown_} for every other word folder (the
 *       12-class task with silence, or the synthetic set's 10 keywords + unknown). With no explicit keywords the
 *       {@code keywords:} line of {@code classes.txt} is used, and without that file the ten standard keywords;</li>
 *   <li>optionally {@code _silence_} last: one-second windows cut from the background-noise recordings.</li>
 * </ul>
 *
 * <p><b>Silence clips.</b> Each recording gives ⌊samples / 16000⌋ whole one-second windows; in every recording
 * the first 80 % of its windows belong to training, the next 10 % to validation and the rest to test, so no stretch
 * of noise is shared between splits. A split gets round(fraction × its word clips) silence clips, taken evenly spaced
 * from its window pool (pool order: recording name, then position), repeating windows only if the pool is smaller.
 * Sample counts come from the caller's {@link SampleCounter}, normally a WAV header reader.
 */
public final class SpeechCommandsReader {
    /** The keywords of the standard 12-class task (plus {@code _unknown_} and {@code _silence_}). */
    public static final List<String> STANDARD_KEYWORDS =
            List.of("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go");
    public static final String UNKNOWN = "_unknown_";
    public static final String SILENCE = "_silence_";
    public static final String BACKGROUND_FOLDER = "_background_noise_";
    private static final int SAMPLE_RATE = 16000;

    /** The number of 16 kHz samples of an audio file (e.g. from its WAV header). */
    @FunctionalInterface
    public interface SampleCounter {
        long samples(Path file) throws IOException;
    }

    /**
     * What classes to make.
     *
     * @param allWords        every word folder is its own class (keywords are then ignored)
     * @param keywords        the keyword classes in order; null: from {@code classes.txt}, else {@link #STANDARD_KEYWORDS}
     * @param silenceFraction silence clips per split as a fraction of its word clips; 0: no {@code _silence_} class
     * @param sampleCounter   needed when {@code silenceFraction} &gt; 0
     */
    public record Options(boolean allWords, List<String> keywords, double silenceFraction, SampleCounter sampleCounter) {
        public Options {
            if (!(silenceFraction >= 0)) throw new IllegalArgumentException("silence fraction must be >= 0");
            if (silenceFraction > 0 && sampleCounter == null) {
                throw new IllegalArgumentException("silence clips need a sample counter");
            }
            if (keywords != null) keywords = List.copyOf(keywords);
        }

        /** Every word folder a class, no silence. */
        public static Options everyWord() {
            return new Options(true, null, 0, null);
        }

        /** Keywords from {@code classes.txt} (or the standard ten) plus {@code _unknown_}, no silence. */
        public static Options keywordsAndUnknown() {
            return new Options(false, null, 0, null);
        }

        /** The given keywords plus {@code _unknown_}, no silence. */
        public static Options keywords(List<String> words) {
            return new Options(false, words, 0, null);
        }

        /** These options plus a {@code _silence_} class of {@code fraction} × word clips per split. */
        public Options withSilence(double fraction, SampleCounter counter) {
            return new Options(allWords, keywords, fraction, counter);
        }
    }

    private SpeechCommandsReader() {}

    /** Reads the data set at {@code root}. */
    public static LabeledDataset read(Path root, Options options) throws IOException {
        AudioFolder.requireFolder(root);
        Set<String> validation = listFile(root, "validation_list.txt");
        Set<String> testing = listFile(root, "testing_list.txt");

        List<Path> wordFolders = new ArrayList<>();
        for (Path p : AudioFolder.subfolders(root)) {
            if (!p.getFileName().toString().startsWith("_")) wordFolders.add(p);
        }
        if (wordFolders.isEmpty()) throw new DatasetException(root, "no word folders");

        List<String> classes = new ArrayList<>();
        Map<String, Integer> labelOfWord = new HashMap<>();
        if (options.allWords()) {
            for (Path w : wordFolders) {
                labelOfWord.put(w.getFileName().toString(), classes.size());
                classes.add(w.getFileName().toString());
            }
        } else {
            List<String> keywords = options.keywords() != null ? options.keywords() : defaultKeywords(root);
            Set<String> present = new HashSet<>();
            for (Path w : wordFolders) present.add(w.getFileName().toString());
            for (String k : keywords) {
                if (!present.contains(k)) {
                    throw new DatasetException(root.resolve(k), "no such folder (keyword '" + k + "')");
                }
                labelOfWord.put(k, classes.size());
                classes.add(k);
            }
            int unknown = classes.size();
            classes.add(UNKNOWN);
            for (Path w : wordFolders) labelOfWord.putIfAbsent(w.getFileName().toString(), unknown);
        }

        Map<Split, List<Clip>> splits = new EnumMap<>(Split.class);
        for (Split s : Split.values()) splits.put(s, new ArrayList<>());
        Set<String> seen = new HashSet<>();
        for (Path w : wordFolders) {
            int label = labelOfWord.get(w.getFileName().toString());
            for (Path f : AudioFolder.wavFilesRecursive(w)) {
                String rel = AudioFolder.relative(root, f);
                seen.add(rel);
                Split s = testing.contains(rel) ? Split.TEST : validation.contains(rel) ? Split.VALIDATION : Split.TRAIN;
                splits.get(s).add(Clip.of(rel, label));
            }
        }
        requireListed(root.resolve("validation_list.txt"), validation, seen);
        requireListed(root.resolve("testing_list.txt"), testing, seen);

        if (options.silenceFraction() > 0) {
            int silence = classes.size();
            classes.add(SILENCE);
            addSilence(root, splits, silence, options);
        }
        return new LabeledDataset(root, classes, splits);
    }

    /** The background-noise recordings of the data set at {@code root}, sorted by name. */
    public static List<Path> backgroundNoiseFiles(Path root) throws DatasetException {
        return AudioFolder.wavFiles(root.resolve(BACKGROUND_FOLDER));
    }

    private static Set<String> listFile(Path root, String name) throws DatasetException {
        return new HashSet<>(AudioFolder.lines(root.resolve(name)));
    }

    private static void requireListed(Path listFile, Set<String> listed, Set<String> seen) throws DatasetException {
        for (String entry : listed) {
            if (!seen.contains(entry)) {
                throw new DatasetException(listFile, "lists '" + entry + "', which is not a clip of the data set");
            }
        }
    }

    private static List<String> defaultKeywords(Path root) throws DatasetException {
        Path file = root.resolve("classes.txt");
        if (!Files.exists(file)) return STANDARD_KEYWORDS;
        for (String line : AudioFolder.lines(file)) {
            if (line.startsWith("keywords:")) {
                List<String> words = List.of(line.substring("keywords:".length()).strip().split("\\s+"));
                if (words.isEmpty() || words.getFirst().isEmpty()) throw new DatasetException(file, "empty keywords line");
                return words;
            }
        }
        throw new DatasetException(file, "no 'keywords:' line");
    }

    private static void addSilence(Path root, Map<Split, List<Clip>> splits, int label, Options options)
            throws IOException {
        Map<Split, List<Clip>> pools = new EnumMap<>(Split.class);
        for (Split s : Split.values()) pools.put(s, new ArrayList<>());
        for (Path f : backgroundNoiseFiles(root)) {
            long windows = options.sampleCounter().samples(f) / SAMPLE_RATE;
            long train = windows * 8 / 10, validation = windows / 10;
            String rel = AudioFolder.relative(root, f);
            for (long w = 0; w < windows; w++) {
                Split s = w < train ? Split.TRAIN : w < train + validation ? Split.VALIDATION : Split.TEST;
                pools.get(s).add(new Clip(rel, label, w * SAMPLE_RATE, SAMPLE_RATE));
            }
        }
        for (Split s : Split.values()) {
            List<Clip> pool = pools.get(s);
            int n = (int) Math.round(options.silenceFraction() * splits.get(s).size());
            if (n > 0 && pool.isEmpty()) {
                throw new DatasetException(root.resolve(BACKGROUND_FOLDER), "too little noise for " + s.label()
                        + " silence clips (each recording gives 80/10/10 % of its one-second windows)");
            }
            for (int k = 0; k < n; k++) splits.get(s).add(pool.get((int) ((long) k * pool.size() / n)));
        }
    }
}
