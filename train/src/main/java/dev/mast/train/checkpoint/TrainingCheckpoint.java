package dev.mast.train.checkpoint;

import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.Parameter;
import dev.mast.train.optim.AdamW;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a run needs to continue exactly where it stopped, in one atomically written file
 * ({@link CheckpointFile}):
 * <ul>
 *   <li>tensors {@code model.<name>}: every parameter's values;</li>
 *   <li>tensors {@code optimizer.exp_avg.<name>}, {@code optimizer.exp_avg_sq.<name>} and metadata
 *       {@code optimizer.step.<name>}: the AdamW state;</li>
 *   <li>metadata {@code format}, {@code rng_scheme}, {@code seed}, {@code epoch}, {@code batch_in_epoch},
 *       {@code global_step}: where the run stands;</li>
 *   <li>metadata {@code extra.<key>}: whatever else the loop keeps (the history CSV, the best accuracy so far, the
 *       run's settings).</li>
 * </ul>
 * There is no hidden random state to save: every random draw of a run derives from (seed, epoch, position, stream)
 * ({@link dev.mast.train.random.SampleKey}), so the seed and the counters restore the generators exactly.
 * {@code rng_scheme} names that derivation, so a checkpoint from an incompatible version is refused rather than
 * silently continued with different randomness.
 */
public final class TrainingCheckpoint {
    /** Identifies this layout. */
    public static final String FORMAT = "mast-train-checkpoint-v1";
    /** Identifies the random-number derivation of {@link dev.mast.train.random.SampleKey}. */
    public static final String RNG_SCHEME = "splitmix64-sample-key-v1";

    /**
     * Where a run stands: the next batch to train is batch {@code batchInEpoch} of epoch {@code epoch} (both 0-based),
     * after {@code globalStep} optimiser steps.
     */
    public record Progress(long seed, int epoch, int batchInEpoch, long globalStep) {
        public Progress {
            if (epoch < 0 || batchInEpoch < 0 || globalStep < 0) {
                throw new IllegalArgumentException("negative training counters: epoch " + epoch + ", batch "
                        + batchInEpoch + ", step " + globalStep);
            }
        }
    }

    /** What {@link #load} returns besides the restored tensors. */
    public record Restored(Progress progress, Map<String, String> extra) {}

    private TrainingCheckpoint() {}

    /** Atomically writes the checkpoint. */
    public static void save(Path file, List<Parameter> params, AdamW optimizer, Progress progress,
                            Map<String, String> extra) throws IOException {
        StateDict s = new StateDict(file.toString());
        for (Parameter p : params) s.put("model." + p.name(), p.value());
        s.put("optimizer", optimizer.state());
        s.putMetadata("format", FORMAT);
        s.putMetadata("rng_scheme", RNG_SCHEME);
        s.putMetadata("seed", Long.toString(progress.seed()));
        s.putMetadata("epoch", Integer.toString(progress.epoch()));
        s.putMetadata("batch_in_epoch", Integer.toString(progress.batchInEpoch()));
        s.putMetadata("global_step", Long.toString(progress.globalStep()));
        extra.forEach((k, v) -> s.putMetadata("extra." + k, v));
        CheckpointFile.write(file, s);
    }

    /**
     * Restores parameters and optimiser state from {@code file}. Everything is validated before anything is changed,
     * so a wrong or damaged file leaves the model and optimiser as they were.
     */
    public static Restored load(Path file, List<Parameter> params, AdamW optimizer) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            StateDict s = CheckpointFile.read(file, arena);
            String format = s.metadata("format");
            if (!format.equals(FORMAT)) {
                throw new FileFormatException(s.source(), "is a '" + format + "' file, not a " + FORMAT + " checkpoint");
            }
            if (!s.metadata("rng_scheme").equals(RNG_SCHEME)) {
                throw new FileFormatException(s.source(), "uses random-number scheme '" + s.metadata("rng_scheme")
                        + "', this version uses '" + RNG_SCHEME + "'");
            }
            Tensor[] values = new Tensor[params.size()];
            for (int i = 0; i < params.size(); i++) {
                values[i] = s.tensor("model." + params.get(i).name(), params.get(i).value().shape());
            }
            Progress progress;
            try {
                progress = new Progress(s.metadataLong("seed"), (int) s.metadataLong("epoch"),
                        (int) s.metadataLong("batch_in_epoch"), s.metadataLong("global_step"));
            } catch (IllegalArgumentException e) {
                throw new FileFormatException(s.source(), e.getMessage());
            }
            optimizer.loadState(s.under("optimizer"));
            for (int i = 0; i < params.size(); i++) params.get(i).value().copyFrom(values[i]);
            Map<String, String> extra = new LinkedHashMap<>(s.under("extra").metadata());
            return new Restored(progress, extra);
        }
    }
}
