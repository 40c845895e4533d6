package dev.mast.cli;

import dev.mast.engine.io.Json;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.train.AudioTrainingModel;
import dev.mast.train.ModelSpec;
import dev.mast.train.TrainingModel;
import dev.mast.train.report.TrainingHistory;
import dev.mast.train.testing.SyntheticKws;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CI-sized end-to-end check of issue 5 with the real model: {@code mast train} trains MAST-micro for a few
 * steps on a tiny synthetic keyword set, the training loss falls, a second run with the same seed is identical, and
 * {@code mast eval} on the model file reproduces the run's own test figures. Skipped while the build has no backward
 * passes ({@link AudioTrainingModel}'s wiring point).
 */
class RealModelTrainingTest {
    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void needsTheBackwardPasses() throws IOException {
        boolean available;
        try (EnginePool pool = new EnginePool(1);
             TrainingModel m = AudioTrainingModel.create(new ModelSpec("micro", 7, SyntheticKws.FRAMES, 128, 3, 1,
                     pool, 0))) {
            available = m.trainable().parameters().size() > 0;
        } catch (UnsupportedOperationException e) {
            available = false;
        }
        assumeTrue(available, "this build has no backward passes yet");
        data = SyntheticKws.write(dir.resolve("kws"), 6);
    }

    private static CommandRunner.Result train(Path out) {
        return CommandRunner.run(new TrainCommand(), "--data", data.toString(), "--out", out.toString(), "--model",
                "micro", "--stem", "7", "--frames", Integer.toString(SyntheticKws.FRAMES), "--epochs", "4", "--batch",
                "6", "--lr", "2e-3", "--label-smoothing", "0", "--no-augment", "--threads", "1", "--seed", "5");
    }

    @Test
    void theLossFallsTheRunIsReproducibleAndEvalAgrees() throws IOException {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        CommandRunner.Result r = train(a);
        assertEquals(0, r.code(), r.err());
        List<TrainingHistory.Epoch> h = TrainingHistory.fromCsv(Files.readString(a.resolve("history.csv"))).epochs();
        assertTrue(h.getLast().trainLoss() < h.getFirst().trainLoss(), "training loss " + h);

        assertEquals(0, train(b).code());
        assertEquals(Files.readString(a.resolve("metrics.json")), Files.readString(b.resolve("metrics.json")));

        CommandRunner.Result e = CommandRunner.run(new EvalCommand(), "--model", a.resolve("model.safetensors").toString(),
                "--data", data.toString(), "--json", "--threads", "1");
        assertEquals(0, e.code(), e.err());
        Map<?, ?> eval = (Map<?, ?>) Json.parse(e.out());
        Map<?, ?> test = (Map<?, ?>) ((Map<?, ?>) Json.parse(Files.readString(a.resolve("metrics.json")))).get("test");
        assertEquals(test.get("matrix"), eval.get("matrix"));
        assertEquals(test.get("accuracy"), eval.get("accuracy"));
    }
}
