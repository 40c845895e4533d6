package dev.mast.cli;

import dev.mast.cli.CommandRunner.Result;
import dev.mast.audio.TestWavs;
import dev.mast.audio.features.LogMel;
import dev.mast.engine.io.Json;
import dev.mast.engine.io.JsonFields;
import dev.mast.engine.io.Npy;
import dev.mast.engine.io.NpyArray;
import dev.mast.engine.io.SafetensorsWriter;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.Classification;
import dev.mast.model.Classifier;
import dev.mast.model.ClassifierOptions;
import dev.mast.model.FrontendSettings;
import dev.mast.model.MastConfig;
import dev.mast.model.MastModel;
import dev.mast.model.Prediction;
import dev.mast.model.RandomInit;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.Parameter;
import dev.mast.model.layer.RelPosMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code mast import}, {@code mast classify} and {@code mast embed} end to end: a timm-style checkpoint of a random
 * micro16 model becomes a model file, which classifies and embeds generated WAV files.
 */
class ClassifyCommandsTest {
    static final List<String> LABELS = List.of("low", "mid low", "middle", "mid high", "high");
    static final float MEAN = -6.845978f, STD = 5.5654526f;

    @TempDir
    static Path dir;
    static Path model, checkpoint, configFile, labelsFile;
    static final List<Path> wavs = new ArrayList<>();
    /** Embeddings of the generated files by the original in-memory model, on the model file's features. */
    static float[][] referenceEmbeddings;

    static Result run(String... argv) {
        return CommandRunner.run(argv);
    }

    @BeforeAll
    static void importAModel() throws Exception {
        for (int i = 0; i < 4; i++) {
            int rate = i == 3 ? 22050 : 16000;
            wavs.add(TestWavs.writeMono16(dir.resolve("tone" + i + ".wav"),
                    TestWavs.tone(200 * Math.pow(2.5, i), 6000 + 3000 * i, rate, i), rate));
        }
        checkpoint = dir.resolve("ckpt.safetensors");
        configFile = dir.resolve("config.json");
        labelsFile = dir.resolve("labels.txt");
        model = dir.resolve("model.safetensors");
        Files.writeString(labelsFile, String.join("\n", LABELS) + "\n\n");
        try (JavaBackend be = new JavaBackend(1);
             MastModel m = new MastModel(MastConfig.preset("micro16").withNumClasses(LABELS.size()),
                     new RandomInit(17), be, RelPosMode.EXTENDED)) {
            // As LAPE saves it: the backbone under "v.", the head beside it; the architecture in a JSON file.
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Parameter p : m.parameters()) {
                tensors.put(p.name().startsWith("mlp_head.") ? p.name() : "v." + p.name(), p.value());
            }
            SafetensorsWriter.write(checkpoint, tensors, Map.of());
            Files.writeString(configFile, Json.write(m.config().toJson()));

            Result r = run("import", "--weights", checkpoint.toString(), "--config", configFile.toString(),
                    "--labels", labelsFile.toString(), "--target-length", "48", "--normalize", MEAN + "," + STD,
                    "--out", model.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("5 labels"), r.out());

            try (Classifier c = Classifier.open(model, ClassifierOptions.defaults().withThreads(1));
                 TensorArena arena = new TensorArena();
                 Workspace ws = new Workspace()) {
                referenceEmbeddings = new float[wavs.size()][];
                for (int i = 0; i < wavs.size(); i++) {
                    LogMel f = c.features(wavs.get(i));
                    Tensor e = arena.allocate(1, m.embeddingDim());
                    m.embed(arena.allocate(1, f.frames(), f.bins()).copyFrom(f.data()), e, ws);
                    referenceEmbeddings[i] = e.toArray();
                }
            }
        }
    }

    static Classifier openModel() throws IOException {
        return Classifier.open(model, ClassifierOptions.defaults().withThreads(1));
    }

    static String[] withFiles(List<String> head, List<Path> files) {
        List<String> argv = new ArrayList<>(head);
        for (Path f : files) argv.add(f.toString());
        return argv.toArray(String[]::new);
    }

    @Test
    void importWritesWeightsLabelsAndFrontEnd() throws IOException {
        try (Classifier c = openModel()) {
            assertEquals(LABELS, c.info().labels());
            assertEquals(new FrontendSettings("kaldi", 16000, 48, MEAN, 2 * STD), c.frontendSettings());
            assertEquals("micro16", c.config().variant());
            for (int i = 0; i < wavs.size(); i++) {
                assertArrayEquals(referenceEmbeddings[i], c.embed(wavs.get(i)), 1e-6f, "weights survived the import");
            }
        }
    }

    @Test
    void classifyPrintsTopLabelsPerFileInOrder() throws IOException {
        Result r = run(withFiles(List.of("classify", "--model", model.toString(), "--top", "3", "--threads", "2",
                "--batch", "3"), wavs));
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        StringBuilder expected = new StringBuilder();
        try (Classifier c = openModel()) {
            for (Path w : wavs) {
                expected.append(w).append('\n');
                for (Prediction p : c.classify(w).top(3)) {
                    expected.append(String.format(Locale.ROOT, "  %.6f  %s%n", p.probability(), p.label()));
                }
            }
        }
        assertEquals(expected.toString(), r.out());
    }

    @Test
    void jsonLinesParseAndCarryTheProbabilities() throws IOException {
        Result r = run(withFiles(List.of("classify", "--model", model.toString(), "--json", "--top", "2"), wavs));
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(wavs.size(), lines.size(), r.out());
        try (Classifier c = openModel()) {
            for (int i = 0; i < wavs.size(); i++) {
                JsonFields o = JsonFields.of(Json.parse(lines.get(i)), "line " + i);
                assertEquals(wavs.get(i).toString(), o.string("file"));
                Classification expected = c.classify(wavs.get(i));
                List<?> top = o.list("top");
                assertEquals(2, top.size());
                for (int k = 0; k < 2; k++) {
                    JsonFields p = JsonFields.of(top.get(k), "top[" + k + "]");
                    Prediction e = expected.top(2).get(k);
                    assertEquals(e.label(), p.string("label"));
                    assertEquals(e.index(), p.integer("index", 0, 4));
                    assertEquals(e.probability(), (float) p.number("probability"), "shortest float text round-trips");
                }
            }
        }
    }

    @Test
    void aBadFileIsOneLineAndTheOthersAreStillClassified() throws IOException {
        Path text = Files.writeString(dir.resolve("readme.wav"), "not a wave file at all, only text\n");
        Path missing = dir.resolve("missing.flac");
        List<Path> files = List.of(wavs.get(0), text, wavs.get(1), missing);
        Result r = run(withFiles(List.of("classify", "--model", model.toString(), "--json"), files));
        assertEquals(1, r.code());
        List<String> out = r.out().lines().toList();
        assertEquals(2, out.size(), r.out());
        assertTrue(out.get(0).contains(jsonString(wavs.get(0))), out.get(0));
        assertTrue(out.get(1).contains(jsonString(wavs.get(1))), out.get(1));
        List<String> err = r.err().lines().toList();
        assertEquals(2, err.size(), r.err());
        assertTrue(err.get(0).startsWith("mast classify: " + text + ": "), err.get(0));
        assertTrue(err.get(1).startsWith("mast classify: " + missing + ": "), err.get(1));
    }

    private static String jsonString(Path p) {
        return Json.write(p.toString());
    }

    @Test
    void modelErrorsAreOneLine() throws IOException {
        String wav = wavs.get(0).toString();
        Path missing = dir.resolve("no-such-model.safetensors");
        Result r = run("classify", "--model", missing.toString(), wav);
        assertOneLineError(r, "mast classify: " + missing + ": cannot read (no such file)");

        Path truncated = dir.resolve("truncated.safetensors");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 1000));
        r = run("classify", "--model", truncated.toString(), wav);
        assertOneLineError(r, "mast classify: " + truncated + ": ");

        Path garbage = Files.write(dir.resolve("garbage.safetensors"), "{\"hello\": \"world\"}".getBytes());
        r = run("embed", "--model", garbage.toString(), wav, "--out", dir.resolve("e.npy").toString());
        assertOneLineError(r, "mast embed: " + garbage + ": ");

        r = run("classify", "--model", checkpoint.toString(), wav); // weights only: no front end, no labels
        assertOneLineError(r, "mast classify: " + checkpoint + ": no architecture");

        Path notAudio = Files.writeString(dir.resolve("data.csv"), "a,b,c\n1,2,3\n");
        r = run("classify", "--model", model.toString(), notAudio.toString());
        assertOneLineError(r, "mast classify: " + notAudio + ": ");

        r = run("classify", "--model", model.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no audio files given"), r.err());
        r = run("classify", "--model", model.toString(), "--top", "0", wav);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--top must be at least 1"), r.err());
    }

    private static void assertOneLineError(Result r, String prefix) {
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith(prefix), r.err());
        assertEquals("", r.out());
    }

    @Test
    void embedWritesOneRowPerFileInArgumentOrder() throws IOException {
        Path out = dir.resolve("embeddings.npy");
        List<Path> files = List.of(wavs.get(2), wavs.get(0), wavs.get(3), wavs.get(1), wavs.get(2));
        Result r = run(withFiles(List.of("embed", "--model", model.toString(), "--out", out.toString(), "--batch",
                "2"), files));
        assertEquals(0, r.code(), r.err());
        NpyArray e = Npy.read(out);
        assertArrayEquals(new int[] {5, 256}, e.shape());
        int[] index = {2, 0, 3, 1, 2};
        for (int i = 0; i < index.length; i++) {
            float[] row = java.util.Arrays.copyOfRange(e.data(), i * 256, (i + 1) * 256);
            assertArrayEquals(referenceEmbeddings[index[i]], row, 1e-6f, "row " + i);
        }

        Path notWritten = dir.resolve("not-written.npy");
        Path bad = Files.writeString(dir.resolve("bad.wav"), "RIFF");
        r = run("embed", "--model", model.toString(), wavs.get(0).toString(), bad.toString(), "--out",
                notWritten.toString());
        assertOneLineError(r, "mast embed: " + bad + ": ");
        assertFalse(Files.exists(notWritten));
    }

    @Test
    void importErrorsAreOneLineAndWriteNothing() throws IOException {
        Path out = dir.resolve("never.safetensors");
        Path twoLabels = Files.writeString(dir.resolve("two.txt"), "a\nb\n");
        Result r = run("import", "--weights", checkpoint.toString(), "--config", configFile.toString(), "--labels",
                twoLabels.toString(), "--out", out.toString());
        assertOneLineError(r, "mast import: " + twoLabels + ": 2 labels, but the model's head has 5 classes");

        r = run("import", "--weights", checkpoint.toString(), "--config", configFile.toString(), "--target-length",
                "8", "--out", out.toString());
        assertOneLineError(r, "mast import: the imported model would not work: target_length 8 is shorter");

        r = run("import", "--weights", checkpoint.toString(), "--out", out.toString());
        assertOneLineError(r, "mast import: " + checkpoint + ": no architecture");

        r = run("import", "--weights", checkpoint.toString(), "--config", configFile.toString(), "--labels",
                dir.resolve("nope.txt").toString(), "--out", out.toString());
        assertOneLineError(r, "mast import: " + dir.resolve("nope.txt") + ": no such file");

        r = run("import", "--weights", checkpoint.toString(), "--config", configFile.toString(), "--frontend", "mfcc",
                "--out", out.toString());
        assertEquals(2, r.code());
        assertFalse(Files.exists(out));
        try (var list = Files.list(dir)) {
            assertTrue(list.noneMatch(p -> p.toString().endsWith(".importing")), "no staged file left behind");
        }
    }

    @Test
    void reimportingAModelFileKeepsItsSettingsUnlessOverridden() throws IOException {
        Path relabelled = dir.resolve("relabelled.safetensors");
        Path upper = Files.writeString(dir.resolve("upper.txt"), String.join("\n", LABELS).toUpperCase(Locale.ROOT));
        Result r = run("import", "--weights", model.toString(), "--labels", upper.toString(), "--out",
                relabelled.toString());
        assertEquals(0, r.code(), r.err());
        try (Classifier c = Classifier.open(relabelled, ClassifierOptions.defaults().withThreads(1))) {
            assertEquals("MID LOW", c.info().label(1));
            assertEquals(new FrontendSettings("kaldi", 16000, 48, MEAN, 2 * STD), c.frontendSettings());
        }
    }
}
