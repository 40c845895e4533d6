package dev.mast.train.checkpoint;

import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.layer.Parameter;
import dev.mast.train.optim.AdamW;
import dev.mast.train.random.EpochShuffle;
import dev.mast.train.report.TrainingHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A toy training run (linear least squares with AdamW, shuffled mini-batches) interrupted and resumed from a
 * checkpoint ends bit-identical to the uninterrupted run.
 */
class TrainingCheckpointTest {
    private static final int N = 48, D = 6, BATCH = 8, EPOCHS = 3;
    private static final long SEED = 1234;

    @TempDir
    Path dir;

    /** Fixed data: y = x · w* + noise. */
    private static final float[][] X = new float[N][D];
    private static final float[] Y = new float[N];

    static {
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < N; i++) {
            double y = 0;
            for (int j = 0; j < D; j++) {
                X[i][j] = (float) r.nextGaussian();
                y += X[i][j] * (j - 2.5);
            }
            Y[i] = (float) (y + 0.1 * r.nextGaussian());
        }
    }

    private static List<Parameter> model(TensorArena arena) {
        Parameter w = new Parameter("head.weight", Parameter.Kind.WEIGHT, arena.allocate(D));
        Parameter b = new Parameter("head.bias", Parameter.Kind.BIAS, arena.allocate(1));
        w.allocateGrad(arena.arena());
        b.allocateGrad(arena.arena());
        return List.of(w, b);
    }

    /** Trains from {@code progress} up to (not including) global step {@code stopAt}; returns where it stopped. */
    private static TrainingCheckpoint.Progress train(List<Parameter> ps, AdamW opt, TrainingCheckpoint.Progress progress,
                                                     long stopAt) {
        int batches = N / BATCH;
        int epoch = progress.epoch(), batch = progress.batchInEpoch();
        long step = progress.globalStep();
        while (epoch < EPOCHS && step < stopAt) {
            int[] order = EpochShuffle.order(SEED, epoch, N);
            float[] w = ps.get(0).value().toArray();
            float b = ps.get(1).value().get(0);
            float[] gw = new float[D];
            float gb = 0;
            for (int k = batch * BATCH; k < (batch + 1) * BATCH; k++) {
                int i = order[k];
                float err = b - Y[i];
                for (int j = 0; j < D; j++) err += w[j] * X[i][j];
                for (int j = 0; j < D; j++) gw[j] += 2 * err * X[i][j] / BATCH;
                gb += 2 * err / BATCH;
            }
            ps.get(0).grad().copyFrom(gw);
            ps.get(1).grad().set(gb, 0);
            opt.step(0.05);
            step++;
            if (++batch == batches) {
                batch = 0;
                epoch++;
            }
        }
        return new TrainingCheckpoint.Progress(SEED, epoch, batch, step);
    }

    @Test
    void resumedRunEndsBitIdenticalToTheUninterruptedOne() throws Exception {
        AdamW.Config config = AdamW.Config.of(0.01).withNoDecay(AdamW.Config.NORMS_BIASES_REL_POS);
        float[] expectedW, expectedB;
        try (TensorArena arena = new TensorArena()) {
            List<Parameter> ps = model(arena);
            try (AdamW opt = new AdamW(ps, config)) {
                TrainingCheckpoint.Progress end = train(ps, opt, new TrainingCheckpoint.Progress(SEED, 0, 0, 0), Long.MAX_VALUE);
                assertEquals(new TrainingCheckpoint.Progress(SEED, EPOCHS, 0, EPOCHS * N / BATCH), end);
            }
            expectedW = ps.get(0).value().toArray();
            expectedB = ps.get(1).value().toArray();
        }

        Path file = dir.resolve("checkpoint.safetensors");
        TrainingHistory history = new TrainingHistory();
        history.add(new TrainingHistory.Epoch(1, 0.5, Double.NaN, 0.6, 0.7, 0.05, 1.5));
        try (TensorArena arena = new TensorArena()) {
            List<Parameter> ps = model(arena);
            try (AdamW opt = new AdamW(ps, config)) {
                // stop in the middle of epoch 1 (step 10 of 18), as a kill would
                TrainingCheckpoint.Progress mid = train(ps, opt, new TrainingCheckpoint.Progress(SEED, 0, 0, 0), 10);
                assertEquals(new TrainingCheckpoint.Progress(SEED, 1, 4, 10), mid);
                TrainingCheckpoint.save(file, ps, opt, mid, Map.of("history", history.toCsv(), "best", "0.7"));
            }
        }
        try (TensorArena arena = new TensorArena()) {
            List<Parameter> ps = model(arena); // fresh model and optimiser, as after a restart
            try (AdamW opt = new AdamW(ps, config)) {
                TrainingCheckpoint.Restored r = TrainingCheckpoint.load(file, ps, opt);
                assertEquals(new TrainingCheckpoint.Progress(SEED, 1, 4, 10), r.progress());
                assertEquals(history.epochs(), TrainingHistory.fromCsv(r.extra().get("history")).epochs());
                assertEquals("0.7", r.extra().get("best"));
                assertEquals(10, opt.steps(0));
                train(ps, opt, r.progress(), Long.MAX_VALUE);
            }
            assertArrayEquals(expectedW, ps.get(0).value().toArray());
            assertArrayEquals(expectedB, ps.get(1).value().toArray());
        }
    }

    @Test
    void aMismatchedModelIsRefusedBeforeAnythingChanges() throws Exception {
        Path file = dir.resolve("checkpoint.safetensors");
        try (TensorArena arena = new TensorArena()) {
            List<Parameter> ps = model(arena);
            try (AdamW opt = new AdamW(ps, AdamW.Config.of(0))) {
                TrainingCheckpoint.save(file, ps, opt, new TrainingCheckpoint.Progress(1, 0, 0, 0), Map.of());
            }
        }
        try (TensorArena arena = new TensorArena()) {
            List<Parameter> other = new ArrayList<>(model(arena));
            other.set(0, new Parameter("head.weight", Parameter.Kind.WEIGHT, arena.copyOf(new float[] {9, 9}, 2)));
            try (AdamW opt = new AdamW(other, AdamW.Config.of(0))) {
                var e = assertThrows(FileFormatException.class, () -> TrainingCheckpoint.load(file, other, opt));
                assertEquals(file + ": tensor 'model.head.weight' has shape [6], expected [2]", e.getMessage());
                assertArrayEquals(new float[] {9, 9}, other.get(0).value().toArray());
            }
        }
        try (TensorArena arena = new TensorArena()) {
            List<Parameter> ps = model(arena);
            try (AdamW opt = new AdamW(ps, AdamW.Config.of(0))) {
                StateDict notACheckpoint = new StateDict().putMetadata("format", "mast-ref-v1");
                Path ref = dir.resolve("weights.safetensors");
                CheckpointFile.write(ref, notACheckpoint);
                var e = assertThrows(FileFormatException.class, () -> TrainingCheckpoint.load(ref, ps, opt));
                assertEquals(ref + ": is a 'mast-ref-v1' file, not a mast-train-checkpoint-v1 checkpoint", e.getMessage());
            }
        }
    }

    @Test
    void runFolders() throws Exception {
        Path run = dir.resolve("run");
        RunFolder f = RunFolder.create(run);
        assertEquals(run.resolve("model.safetensors"), f.model());
        assertEquals(run.resolve("curves.png"), f.curvesPng());
        var e = assertThrows(RunFolderException.class, () -> RunFolder.resume(run));
        assertEquals(run + ": has no checkpoint.safetensors to resume from", e.getMessage());
        Files.writeString(f.checkpoint(), "x");
        e = assertThrows(RunFolderException.class, () -> RunFolder.create(run));
        assertEquals(run + ": already holds a training run (checkpoint.safetensors); resume it or choose another folder",
                e.getMessage());
        assertEquals(run, RunFolder.resume(run).root());
        e = assertThrows(RunFolderException.class, () -> RunFolder.resume(dir.resolve("nope")));
        assertEquals(dir.resolve("nope") + ": no such folder", e.getMessage());
    }
}
