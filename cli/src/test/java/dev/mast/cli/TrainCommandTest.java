package dev.mast.cli;

import dev.mast.engine.io.Json;
import dev.mast.train.TrainSettings;
import dev.mast.train.testing.LinearSoftmaxModel;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code mast train} in-process with the test model: a run, the settings it records, and one-line errors. */
class TrainCommandTest {
    @TempDir
    static Path shared;
    static Path data;

    @TempDir
    Path dir;

    @BeforeAll
    static void dataset() throws IOException {
        data = SyntheticKws.write(shared.resolve("kws"), 4);
    }

    private static CommandRunner.Result train(String... args) {
        return CommandRunner.run(new TrainCommand(LinearSoftmaxModel.factory()), args);
    }

    @Test
    void trainsAndRecordsTheSettings() throws IOException {
        Path out = dir.resolve("run");
        CommandRunner.Result r = train("--data", data.toString(), "--out", out.toString(), "--frames", "48",
                "--epochs", "2", "--batch", "5", "--lr", "0.01", "--seed", "9", "--threads", "1", "--time-shift", "50",
                "--noise", "0.3", "--noise-snr", "0,10", "--freq-mask", "8", "--time-mask", "4", "--mixup", "0.5",
                "--normalize", "-5,4", "--cache", dir.resolve("cache").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test      accuracy"), r.out());
        TrainSettings s = TrainSettings.parse(Files.readString(out.resolve("run.json")), "run.json");
        assertEquals(9, s.seed());
        assertEquals(48, s.data().frames());
        assertEquals(-5f, s.data().normMean());
        assertEquals(8f, s.data().normStd(), "run.json stores AST's divisor 2·std");
        assertEquals(800, s.augment().timeShiftSamples());
        assertEquals(0.3, s.augment().backgroundProbability());
        assertEquals(10, s.augment().backgroundMaxSnrDb());
        assertEquals(0.5, s.augment().mixupProbability());
        assertEquals(out.getParent().resolve("cache"), s.data().cache());
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        // validation and test features went through the cache
        try (var entries = Files.list(dir.resolve("cache"))) {
            assertEquals(12, entries.filter(p -> p.toString().endsWith(".f32")).count());
        }
    }

    @Test
    void aSilenceClassIsCutFromTheBackgroundNoise() throws IOException {
        Path out = dir.resolve("silence");
        CommandRunner.Result r = train("--data", data.toString(), "--out", out.toString(), "--frames", "48",
                "--epochs", "1", "--batch", "8", "--silence", "0.5", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        Map<?, ?> test = (Map<?, ?>) ((Map<?, ?>) Json.parse(Files.readString(out.resolve("metrics.json")))).get("test");
        List<?> classes = (List<?>) test.get("classes");
        Map<?, ?> silence = (Map<?, ?>) classes.getLast();
        assertEquals("_silence_", silence.get("name"));
        assertEquals(3L, silence.get("support"), "half as many silence clips as the 6 word clips of the test split");
    }

    @Test
    void errorsAreOneLine() throws IOException {
        CommandRunner.Result r = train("--data", dir.resolve("nope").toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, r.code());
        assertEquals("mast train: " + dir.resolve("nope") + ": no such folder\n", r.err());

        r = train("--data", data.toString(), "--out", dir.resolve("o").toString(), "--epochs", "0");
        assertEquals(2, r.code());
        assertEquals("mast train: --epochs must be at least 1 (see mast train --help)\n", r.err());

        r = train("--data", data.toString(), "--out", dir.resolve("o").toString(), "--model", "huge");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("mast train: unknown model 'huge' (expected tiny, small"), r.err());

        r = train("--data", data.toString(), "--out", dir.resolve("o").toString(), "--lr", "fast");
        assertEquals(2, r.code());
        assertEquals("mast train: --lr expects a number, got 'fast' (see mast train --help)\n", r.err());

        r = train("--data", data.toString(), "--out", dir.resolve("o").toString(), "--task", "music");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("mast train: unknown task 'music' (expected speech-commands, folder"), r.err());

        r = train("--resume", dir.toString(), "--epochs", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--resume takes only --threads and --data"), r.err());

        r = train("--resume", dir.toString());
        assertEquals(1, r.code());
        assertEquals("mast train: " + dir + ": has no run.json: not a training run folder\n", r.err());

        r = train("--data", data.toString());
        assertEquals(2, r.code());
        assertEquals("mast train: --out is required (see mast train --help)\n", r.err());
        assertFalse(Files.exists(dir.resolve("o")));
    }

    @Test
    void aBrokenAudioFileIsNamed() throws IOException {
        Path copy = dir.resolve("kws");
        try (var files = Files.walk(data)) {
            for (Path p : files.toList()) {
                Path to = copy.resolve(data.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
        Path broken = copy.resolve("low/000003e8_nohash_0.wav");
        Files.writeString(broken, "RIFF not really");
        CommandRunner.Result r = train("--data", copy.toString(), "--out", dir.resolve("o").toString(), "--frames",
                "48");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("mast train: " + broken + ": "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aFolderWithARunIsNotOverwritten() throws IOException {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        Files.writeString(out.resolve("checkpoint.safetensors"), "x");
        CommandRunner.Result r = train("--data", data.toString(), "--out", out.toString(), "--frames", "48");
        assertEquals(1, r.code());
        assertEquals("mast train: " + out + ": already holds a training run (checkpoint.safetensors); resume it or "
                + "choose another folder\n", r.err());
    }
}
