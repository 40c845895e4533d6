package dev.mast.cli;

import dev.mast.audio.AudioFrontEnd;
import dev.mast.engine.io.Json;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.FrontendSettings;
import dev.mast.model.MastConfig;
import dev.mast.model.MastModel;
import dev.mast.model.ModelFile;
import dev.mast.model.ModelInfo;
import dev.mast.model.RandomInit;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.RelPosMode;
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

/**
 * {@code mast eval} against an independent computation: every test clip through the audio front end, the model
 * file's normalisation and the model one clip at a time, labels matched by name (the model's label order differs
 * from the data set's class order).
 */
class EvalCommandTest {
    private static final List<String> LABELS = List.of("_unknown_", "high", "low");
    private static final FrontendSettings FRONT_END = new FrontendSettings("kaldi", 16000, SyntheticKws.FRAMES,
            -7.5f, 9f);

    @TempDir
    static Path dir;
    static Path data, modelFile;
    /** Expected confusion counts, [true][predicted] in label order. */
    static final long[][] expected = new long[3][3];

    @BeforeAll
    static void modelAndData() throws IOException {
        data = SyntheticKws.write(dir.resolve("kws"), 2);
        modelFile = dir.resolve("model.safetensors");
        MastConfig config = MastConfig.preset("micro").withNumClasses(3).withInputSize(128, SyntheticKws.FRAMES);
        try (JavaBackend backend = new JavaBackend(1);
             MastModel model = new MastModel(config, new RandomInit(4), backend, RelPosMode.EXTENDED);
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            ModelFile.save(modelFile, model, new ModelInfo(LABELS, FRONT_END));
            AudioFrontEnd fe = AudioFrontEnd.kaldi().withTargetLength(SyntheticKws.FRAMES);
            Tensor x = arena.allocate(1, SyntheticKws.FRAMES, 128), y = arena.allocate(1, 3);
            for (String rel : Files.readAllLines(data.resolve("testing_list.txt"))) {
                float[] f = fe.fromFile(data.resolve(rel)).data();
                for (int i = 0; i < f.length; i++) f[i] = (f[i] - FRONT_END.normMean()) / FRONT_END.normStd();
                x.copyFrom(f);
                model.forward(x, y, ws);
                float[] z = y.toArray();
                int predicted = 0;
                for (int k = 1; k < 3; k++) if (z[k] > z[predicted]) predicted = k;
                String word = rel.substring(0, rel.indexOf('/'));
                expected[LABELS.indexOf(word.equals("hiss") ? "_unknown_" : word)][predicted]++;
            }
        }
    }

    private static CommandRunner.Result eval(String... args) {
        return CommandRunner.run(new EvalCommand(), args);
    }

    @Test
    void printsTheFiguresAsJson() {
        CommandRunner.Result r = eval("--model", modelFile.toString(), "--data", data.toString(), "--json",
                "--batch", "4", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().lines().count(), r.out());
        Map<?, ?> m = (Map<?, ?>) Json.parse(r.out());
        long hits = expected[0][0] + expected[1][1] + expected[2][2];
        assertEquals(hits / 6.0, ((Number) m.get("accuracy")).doubleValue(), 1e-6);
        assertEquals(6L, m.get("examples"));
        assertEquals("test", m.get("split"));
        List<?> matrix = (List<?>) m.get("matrix");
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) assertEquals(expected[i][j], ((List<?>) matrix.get(i)).get(j), "cell " + i + "," + j);
        }
        List<?> classes = (List<?>) m.get("classes");
        for (int k = 0; k < 3; k++) {
            Map<?, ?> c = (Map<?, ?>) classes.get(k);
            assertEquals(LABELS.get(k), c.get("name"));
            assertEquals(2L, c.get("support"));
        }
    }

    @Test
    void printsAReportForPeople() {
        CommandRunner.Result r = eval("--model", modelFile.toString(), "--data", data.toString(), "--split",
                "validation", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("on the validation split of " + data + ": accuracy"), r.out());
        assertTrue(r.out().contains("precision    recall        f1   support"), r.out());
    }

    @Test
    void errorsAreOneLine() throws IOException {
        CommandRunner.Result r = eval("--model", modelFile.toString(), "--data", dir.resolve("none").toString());
        assertEquals(1, r.code());
        assertEquals("mast eval: " + dir.resolve("none") + ": no such folder\n", r.err());

        r = eval("--model", dir.resolve("missing.safetensors").toString(), "--data", data.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("mast eval: " + dir.resolve("missing.safetensors")), r.err());

        r = eval("--model", modelFile.toString(), "--data", data.toString(), "--split", "dev");
        assertEquals(2, r.code());
        assertEquals("mast eval: --split must be train, validation or test (see mast eval --help)\n", r.err());

        Path bare = dir.resolve("bare.safetensors");
        try (JavaBackend backend = new JavaBackend(1);
             MastModel model = new MastModel(MastConfig.preset("micro").withNumClasses(3), new RandomInit(1), backend,
                     RelPosMode.EXTENDED)) {
            ModelFile.save(bare, model, ModelInfo.empty());
        }
        r = eval("--model", bare.toString(), "--data", data.toString());
        assertEquals(1, r.code());
        assertEquals("mast eval: " + bare + ": has no front-end settings (not a model file written by mast train)\n",
                r.err());
    }
}
