package dev.mast.train;

import dev.mast.engine.io.JsonFields;
import dev.mast.train.features.FbankFrontEnd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which data a run trains on and how audio becomes model input.
 *
 * @param task      the data set layout ({@link Task#label()})
 * @param data      the data set folder
 * @param splitFile the split file of the {@code folder} task (null: {@code DATA/split.txt}); unused otherwise
 * @param keywords  speech-commands keyword classes (empty: from {@code classes.txt}, else the standard ten)
 * @param allWords  speech-commands: every word folder is a class (no {@code _unknown_})
 * @param silence   speech-commands: {@code _silence_} clips per split as a fraction of its word clips (0: no class)
 * @param frontend  "kaldi" (AST's fbank) or "librosa"
 * @param frames    frames every clip is padded or cropped to
 * @param normMean  normalisation mean; NaN: computed from the training set when the run starts
 * @param normStd   normalisation divisor (AST's 2·σ); NaN: computed with the mean
 * @param cache     folder of the on-disk feature cache, or null for none
 */
public record DataSettings(String task, Path data, Path splitFile, List<String> keywords, boolean allWords,
                           double silence, String frontend, int frames, float normMean, float normStd, Path cache) {
    public DataSettings {
        Task.parse(task);
        keywords = List.copyOf(keywords);
        FbankFrontEnd.kind(frontend);
        if (frames < 1) throw new IllegalArgumentException("frames must be at least 1, got " + frames);
        if (!(silence >= 0 && silence <= 10)) throw new IllegalArgumentException("silence fraction must be in [0, 10]");
        if (Float.isNaN(normMean) != Float.isNaN(normStd) || (!Float.isNaN(normStd) && !(normStd > 0))) {
            throw new IllegalArgumentException("normalisation needs a mean and a positive std, or neither");
        }
    }

    /** True when the normalisation constants are known. */
    public boolean hasNormalization() {
        return !Float.isNaN(normMean);
    }

    /** These settings with the given normalisation constants. */
    public DataSettings withNormalization(float mean, float std) {
        return new DataSettings(task, data, splitFile, keywords, allWords, silence, frontend, frames, mean, std, cache);
    }

    /** These settings reading the data from {@code folder} (a data set that moved). */
    public DataSettings withData(Path folder) {
        return new DataSettings(task, folder, splitFile, keywords, allWords, silence, frontend, frames, normMean,
                normStd, cache);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("data", data.toString());
        if (splitFile != null) m.put("split_file", splitFile.toString());
        m.put("keywords", keywords);
        m.put("all_words", allWords);
        m.put("silence", silence);
        m.put("frontend", frontend);
        m.put("frames", frames);
        if (hasNormalization()) {
            m.put("norm_mean", normMean);
            m.put("norm_std", normStd);
        }
        if (cache != null) m.put("cache", cache.toString());
        return m;
    }

    public static DataSettings fromJson(JsonFields f) {
        List<String> keywords = new ArrayList<>();
        for (Object k : f.list("keywords")) keywords.add(JsonFields.asString(k, f.path() + ".keywords"));
        return new DataSettings(f.string("task"), Path.of(f.string("data")),
                f.has("split_file") ? Path.of(f.string("split_file")) : null, keywords, f.bool("all_words"),
                f.number("silence"), f.string("frontend"), (int) f.integer("frames", 1, 1 << 20),
                f.has("norm_mean") ? (float) f.number("norm_mean") : Float.NaN,
                f.has("norm_std") ? (float) f.number("norm_std") : Float.NaN,
                f.has("cache") ? Path.of(f.string("cache")) : null);
    }
}
