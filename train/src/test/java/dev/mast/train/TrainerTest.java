package dev.mast.train;

import dev.mast.engine.io.Json;
import dev.mast.engine.tensor.Tensor;
import dev.mast.train.augment.AugmentSettings;
import dev.mast.train.checkpoint.CheckpointFile;
import dev.mast.train.checkpoint.StateDict;
import dev.mast.train.report.ProgressBar;
import dev.mast.train.report.TrainingHistory;
import dev.mast.train.testing.LinearSoftmaxModel;
import dev.mast.train.testing.SyntheticKws;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training loop end to end on a tiny synthetic keyword set (tones and noise) with a linear softmax model:
 * the loss falls and the run folder is complete; same settings give the same run bit for bit; a run interrupted
 * mid-epoch and resumed ends exactly like the uninterrupted one.
 */
class TrainerTest {
    @TempDir
    static Path shared;
    static Path data;

    @TempDir
    Path dir;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeAll
    static void dataset() throws IOException {
        data = SyntheticKws.write(shared.resolve("kws"), 6);
    }

    /** 18 training clips in batches of 4 (the fifth batch of every epoch is partial), augmentation on. */
    static TrainSettings settings(long seed, int dataThreads, int checkpointEvery, int epochs) {
        return settings(seed, dataThreads, checkpointEvery, epochs, TrainDefaults.augment(SyntheticKws.FRAMES, true));
    }

    static TrainSettings settings(long seed, int dataThreads, int checkpointEvery, int epochs, AugmentSettings a) {
        DataSettings d = new DataSettings("speech-commands", data, null, List.of(), false, 0, "kaldi",
                SyntheticKws.FRAMES, Float.NaN, Float.NaN, null);
        OptimSettings o = new OptimSettings(epochs, 4, 0.01, 0.0001, 0.5, 0.01, 0.1, 5, "ce", 0);
        return new TrainSettings("linear", 16, d, o, a, seed, 1, dataThreads, checkpointEvery);
    }

    private RunResult start(TrainSettings s, Path out, IntConsumer hook) throws IOException {
        return run(hook).start(s, out);
    }

    private TrainingRun run(IntConsumer hook) {
        PrintStream ps = new PrintStream(console, true, StandardCharsets.UTF_8);
        return new TrainingRun(LinearSoftmaxModel.factory(hook), ps, new ProgressBar(ps, false, System::nanoTime));
    }

    /** Without augmentation the training loss of separable data must fall steadily. */
    @Test
    void theLossFallsAndTheRunFolderIsComplete() throws IOException {
        Path out = dir.resolve("run");
        RunResult r = start(settings(7, 1, 0, 8, AugmentSettings.none()), out, step -> { });
        List<TrainingHistory.Epoch> h = r.history().epochs();
        assertEquals(8, h.size());
        assertTrue(h.getLast().trainLoss() < 0.6 * h.getFirst().trainLoss(), "training loss " + h);
        assertTrue(h.getLast().validationLoss() < h.getFirst().validationLoss(), "validation loss " + h);
        assertEquals(1.0, r.bestValidationAccuracy(), "tones and noise are linearly separable: " + h);
        assertEquals(8 * 5, r.steps());
        for (String f : List.of("model.safetensors", "checkpoint.safetensors", "run.json", "train.log", "history.csv",
                "curves.png", "curves.html", "confusion.txt", "confusion.png", "confusion.html", "metrics.json",
                "summary.txt")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        Map<?, ?> metrics = (Map<?, ?>) Json.parse(Files.readString(out.resolve("metrics.json")));
        assertEquals(r.test().accuracy(), ((Number) metrics.get("test_accuracy")).doubleValue());
        assertEquals(6, r.test().examples());
        assertEquals(6L, ((Map<?, ?>) metrics.get("test")).get("examples"));
        assertEquals(r.bestEpoch(), ((Number) metrics.get("best_epoch")).intValue());
        String summary = Files.readString(out.resolve("summary.txt"));
        assertTrue(summary.contains("test      accuracy"), summary);
        // run.json holds the normalisation computed from the training clips, so a resume reuses it
        TrainSettings saved = TrainSettings.parse(Files.readString(out.resolve("run.json")), "run.json");
        assertTrue(saved.data().hasNormalization());
        assertTrue(console.toString(StandardCharsets.UTF_8).contains("epoch 8/8"));
    }

    @Test
    void theSameSeedGivesTheSameRunForAnyDataThreadCount() throws IOException {
        RunResult a = start(settings(11, 1, 0, 3), dir.resolve("a"), step -> { });
        RunResult b = start(settings(11, 3, 0, 3), dir.resolve("b"), step -> { });
        assertEquals(curve(a), curve(b));
        assertArrayEquals(parameters(dir.resolve("a/checkpoint.safetensors")),
                parameters(dir.resolve("b/checkpoint.safetensors")));
        assertEquals(Files.readString(dir.resolve("a/metrics.json")), Files.readString(dir.resolve("b/metrics.json")));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/model.safetensors")),
                Files.readAllBytes(dir.resolve("b/model.safetensors")));

        RunResult c = start(settings(12, 1, 0, 3), dir.resolve("c"), step -> { });
        assertNotEquals(curve(a), curve(c));
    }

    @Test
    void aRunInterruptedMidEpochAndResumedEndsLikeTheUninterruptedOne() throws IOException {
        TrainSettings s = settings(5, 2, 3, 4);
        RunResult whole = start(s, dir.resolve("whole"), step -> { });

        Path out = dir.resolve("interrupted");
        // checkpoints at steps 3, 5 (epoch end), 6, 9 ...; the crash comes in the middle of epoch 2, at step 8
        var crash = assertThrows(IllegalStateException.class, () -> start(s, out, step -> {
            if (step == 8) throw new IllegalStateException("simulated crash");
        }));
        assertEquals("simulated crash", crash.getMessage());
        StateDict ckpt;
        try (Arena arena = Arena.ofConfined()) {
            ckpt = CheckpointFile.read(out.resolve("checkpoint.safetensors"), arena);
            assertEquals("6", ckpt.metadata("global_step"));
            assertEquals("1", ckpt.metadata("batch_in_epoch"));
        }
        assertFalse(Files.exists(out.resolve("metrics.json")));

        RunResult resumed = run(step -> { }).resume(out, 0, null);
        assertEquals(curve(whole), curve(resumed));
        assertEquals(whole.steps(), resumed.steps());
        assertArrayEquals(parameters(dir.resolve("whole/checkpoint.safetensors")),
                parameters(out.resolve("checkpoint.safetensors")));
        assertEquals(Files.readString(dir.resolve("whole/metrics.json")), Files.readString(out.resolve("metrics.json")));
        assertArrayEquals(Files.readAllBytes(dir.resolve("whole/model.safetensors")),
                Files.readAllBytes(out.resolve("model.safetensors")));
        assertTrue(Files.readString(out.resolve("train.log")).contains("resumed at epoch 2, batch 1 of 5 (step 6)"));
    }

    @Test
    void resumingNeedsARunFolder() {
        var e = assertThrows(IOException.class, () -> run(step -> { }).resume(dir.resolve("none"), 0, null));
        assertEquals(dir.resolve("none") + ": no such folder", e.getMessage());
        var f = assertThrows(IOException.class, () -> run(step -> { }).resume(dir, 0, null));
        assertEquals(dir + ": has no run.json: not a training run folder", f.getMessage());
    }

    /** The history without the wall times. */
    static String curve(RunResult r) {
        StringBuilder b = new StringBuilder();
        for (TrainingHistory.Epoch e : r.history().epochs()) {
            b.append(e.epoch()).append(' ').append(e.trainLoss()).append(' ').append(e.trainAccuracy()).append(' ')
                    .append(e.validationLoss()).append(' ').append(e.validationAccuracy()).append(' ')
                    .append(e.learningRate()).append('\n');
        }
        return b.toString();
    }

    /** Every model parameter and optimiser moment of a checkpoint, concatenated. */
    static float[] parameters(Path checkpoint) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            StateDict s = CheckpointFile.read(checkpoint, arena);
            int n = 0;
            for (Tensor t : s.tensors().values()) n += (int) t.size();
            float[] all = new float[n];
            int at = 0;
            for (Tensor t : s.tensors().values()) {
                float[] v = t.toArray();
                System.arraycopy(v, 0, all, at, v.length);
                at += v.length;
            }
            return all;
        }
    }
}
