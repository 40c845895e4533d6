package dev.mast.train;

import dev.mast.engine.io.Json;
import dev.mast.engine.io.JsonException;
import dev.mast.engine.io.JsonFields;
import dev.mast.train.augment.AugmentSettings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that defines a training run; stored as the run folder's {@code run.json}, from which {@code --resume}
 * rebuilds the run. Same settings (threads included) and the same data give the same run, bit for bit.
 *
 * @param model           {@link ModelSpec#name()}
 * @param stem            {@link ModelSpec#stem()}
 * @param data            data set and input features
 * @param optim           optimiser, schedule and loss
 * @param augment         training augmentation
 * @param seed            root of every random draw (initial weights, shuffling, augmentation, drop-path)
 * @param threads         compute threads of the model and optimiser
 * @param dataThreads     worker threads decoding and augmenting clips ahead of the model
 * @param checkpointEvery write a resumable checkpoint every this many steps (and after every epoch); 0: only after
 *                        epochs
 */
public record TrainSettings(String model, int stem, DataSettings data, OptimSettings optim, AugmentSettings augment,
                            long seed, int threads, int dataThreads, int checkpointEvery) {
    public TrainSettings {
        if (stem != 7 && stem != 16) throw new IllegalArgumentException("stem must be 7 or 16, got " + stem);
        if (threads < 1 || dataThreads < 1) throw new IllegalArgumentException("threads must be at least 1");
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must not be negative");
    }

    /** These settings with other data settings. */
    public TrainSettings withData(DataSettings d) {
        return new TrainSettings(model, stem, d, optim, augment, seed, threads, dataThreads, checkpointEvery);
    }

    /** These settings with other thread counts. */
    public TrainSettings withThreads(int compute, int dataWorkers) {
        return new TrainSettings(model, stem, data, optim, augment, seed, compute, dataWorkers, checkpointEvery);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "mast-train-run-v1");
        m.put("model", model);
        m.put("stem", stem);
        m.put("seed", seed);
        m.put("threads", threads);
        m.put("data_threads", dataThreads);
        m.put("checkpoint_every", checkpointEvery);
        m.put("data", data.toJson());
        m.put("optim", optim.toJson());
        m.put("augment", augment.toJson());
        return m;
    }

    /** The settings as indented JSON, for {@code run.json}. */
    public String toJsonText() {
        return Json.writePretty(toJson());
    }

    /**
     * Reads {@code run.json} text; a malformed file or field gives an IllegalArgumentException whose message names
     * {@code source} and the field.
     */
    public static TrainSettings parse(String text, String source) {
        try {
            JsonFields f = JsonFields.of(Json.parse(text), "run");
            if (!f.string("format").equals("mast-train-run-v1")) {
                throw new JsonException("run.format: not a mast-train-run-v1 settings file");
            }
            return new TrainSettings(f.string("model"), (int) f.integer("stem", 1, 64),
                    DataSettings.fromJson(f.object("data")), OptimSettings.fromJson(f.object("optim")),
                    AugmentSettings.fromJson(f.object("augment")), f.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE),
                    (int) f.integer("threads", 1, 4096), (int) f.integer("data_threads", 1, 4096),
                    (int) f.integer("checkpoint_every", 0, Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) { // JsonException included
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }
}
