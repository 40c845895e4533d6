package dev.mast.train;

import dev.mast.audio.features.FbankStats;
import dev.mast.model.FrontendSettings;
import dev.mast.train.data.Clip;
import dev.mast.train.data.LabeledDataset;
import dev.mast.train.data.Split;
import dev.mast.train.features.ClipAudio;
import dev.mast.train.features.DatasetClips;
import dev.mast.train.features.FbankFrontEnd;
import dev.mast.train.features.FeatureCache;
import dev.mast.train.features.FeatureNormalization;
import dev.mast.train.features.NormalizationStats;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A run's data, ready for the pipeline: the listed data set, each split's clips, the front end, the normalisation
 * (computed from the training set when the settings leave it open) and the background-noise recordings.
 */
public final class TrainingData {
    private final DataSettings settings;
    private final LabeledDataset dataset;
    private final Map<Split, DatasetClips> clips;
    private final FbankFrontEnd frontEnd;
    private final FeatureCache cache;
    private final List<float[]> noises;

    private TrainingData(DataSettings settings, LabeledDataset dataset, Map<Split, DatasetClips> clips,
                         FbankFrontEnd frontEnd, FeatureCache cache, List<float[]> noises) {
        this.settings = settings;
        this.dataset = dataset;
        this.clips = clips;
        this.frontEnd = frontEnd;
        this.cache = cache;
        this.noises = noises;
    }

    /**
     * Lists the data set, decodes the noise recordings if {@code withNoise}, and computes the normalisation from the
     * training clips on {@code threads} threads if {@code s} does not give it (saying so on {@code log}).
     *
     * @throws IOException a one-line error naming the folder or file at fault (no training clips included)
     */
    public static TrainingData load(DataSettings s, boolean withNoise, int threads, PrintStream log)
            throws IOException {
        Task task = Task.parse(s.task());
        LabeledDataset dataset = task.read(s);
        if (dataset.clips(Split.TRAIN).isEmpty()) throw new IOException(s.data() + ": no training clips");
        FeatureCache cache = s.cache() != null ? new FeatureCache(s.cache()) : null;
        Map<Split, DatasetClips> clips = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            clips.put(split, new DatasetClips(dataset.root(), dataset.clips(split), dataset.classCount(), cache));
        }
        FbankFrontEnd frontEnd = new FbankFrontEnd(FbankFrontEnd.kind(s.frontend()), s.frames());
        List<float[]> noises = new ArrayList<>();
        if (withNoise) {
            for (Path f : task.noiseFiles(s.data())) noises.add(ClipAudio.readFile(f));
        }
        DataSettings resolved = s;
        if (!s.hasNormalization()) {
            log.println("computing the normalisation from the " + dataset.clips(Split.TRAIN).size()
                    + " training clips ...");
            FbankStats stats = NormalizationStats.compute(clips.get(Split.TRAIN), frontEnd, threads);
            // AST's convention: the stored divisor is twice the standard deviation.
            resolved = s.withNormalization((float) stats.mean(), 2 * (float) stats.std());
        }
        return new TrainingData(resolved, dataset, clips, frontEnd, cache, List.copyOf(noises));
    }

    /** The settings with the normalisation filled in. */
    public DataSettings settings() {
        return settings;
    }

    public LabeledDataset dataset() {
        return dataset;
    }

    public List<String> classes() {
        return dataset.classes();
    }

    public DatasetClips clips(Split split) {
        return clips.get(split);
    }

    public FbankFrontEnd frontEnd() {
        return frontEnd;
    }

    public FeatureNormalization normalization() {
        return new FeatureNormalization(settings.normMean(), settings.normStd());
    }

    /** What the model file records about the input, so that classifying reproduces it. */
    public FrontendSettings frontendSettings() {
        return new FrontendSettings(frontEnd.kindName(), 16000, frontEnd.frames(), settings.normMean(),
                settings.normStd());
    }

    /** The feature cache, or null. */
    public FeatureCache cache() {
        return cache;
    }

    /** The decoded background-noise recordings (empty unless loaded with noise). */
    public List<float[]> noises() {
        return noises;
    }

    /**
     * SHA-256 over the classes and every split's clip list: a resumed run checks that it sees the same data set
     * listing as the run it continues.
     */
    public String fingerprint() {
        MessageDigest md = FeatureCache.sha256();
        StringBuilder b = new StringBuilder(String.join("\n", dataset.classes())).append('\n');
        for (Split split : Split.values()) {
            b.append(split.label()).append('\n');
            for (Clip c : dataset.clips(split)) {
                b.append(c.path()).append('\t').append(c.label()).append('\t').append(c.offset()).append('\t')
                        .append(c.length()).append('\n');
            }
        }
        return HexFormat.of().formatHex(md.digest(b.toString().getBytes(StandardCharsets.UTF_8)));
    }
}
