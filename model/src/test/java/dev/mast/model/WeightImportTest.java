package dev.mast.model;

import dev.mast.engine.io.FileFormatException;
import dev.mast.engine.io.Json;
import dev.mast.engine.io.Npy;
import dev.mast.engine.io.Safetensors;
import dev.mast.engine.io.SafetensorsWriter;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.Parameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/** Weight import under the reference wrappers' names, error reporting, and our own model file. */
class WeightImportTest {
    private static final Path FIXTURE = Fixtures.resource("fixtures/mast/micro16_T128");
    private static JavaBackend backend;
    private static TensorArena arena;
    private static Tensor input;
    private static float[] expectedLogits;
    private static float[] expectedPooled;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        backend = new JavaBackend(2);
        arena = new TensorArena();
        input = Npy.read(FIXTURE.resolve("input.npy")).toTensor(arena);
        expectedLogits = Npy.read(FIXTURE.resolve("logits.npy")).data();
        expectedPooled = Npy.read(FIXTURE.resolve("pooled.npy")).data();
    }

    @AfterAll
    static void tearDown() {
        arena.close();
        backend.close();
    }

    /** The fixture's tensors renamed by {@code rename} (null drops one), plus {@code extra}, without metadata. */
    private Path rewrite(String name, UnaryOperator<String> rename, Map<String, Tensor> extra) throws IOException {
        Path out = dir.resolve(name);
        try (Safetensors st = Safetensors.open(FIXTURE.resolve("weights.safetensors"))) {
            Map<String, Tensor> ts = new LinkedHashMap<>();
            for (String n : st.names()) {
                String m = rename.apply(n);
                if (m != null) ts.put(m, st.tensor(n));
            }
            ts.putAll(extra);
            SafetensorsWriter.write(out, ts, Map.of());
        }
        return out;
    }

    private Path configFile(UnaryOperator<String> edit) throws IOException {
        Map<?, ?> meta = (Map<?, ?>) Json.parse(Files.readString(FIXTURE.resolve("meta.json")));
        Path p = dir.resolve("config.json");
        Files.writeString(p, edit.apply(Json.writePretty(meta.get("config"))));
        return p;
    }

    private float[] logits(AudioModel m) {
        Tensor y = arena.allocate(input.dim(0), m.numClasses());
        try (Workspace ws = new Workspace()) {
            m.forward(input, y, ws);
        }
        return y.toArray();
    }

    private float[] embedding(AudioModel m) {
        Tensor y = arena.allocate(input.dim(0), m.embeddingDim());
        try (Workspace ws = new Workspace()) {
            m.embed(input, y, ws);
        }
        return y.toArray();
    }

    @Test
    void lapeWrapperNamesWithConfigFile() throws IOException {
        Tensor unused = arena.allocate(256);
        Path w = rewrite("lape.safetensors", n -> n.startsWith("mlp_head.") ? "mast_model." + n : "mast_model.v." + n,
                Map.of("mast_model.v.norm.weight", unused, "mast_model.v.norm.bias", unused,
                        "mast_model.v.head.fc.weight", arena.allocate(1000, 256), "optimizer.step", unused));
        try (LoadedModel m = ModelLoader.load(w, configFile(s -> s), backend, LoadOptions.defaults())) {
            assertArrayEquals(expectedLogits, logits(m.model()), 1e-4f);
            assertEquals(ModelInfo.empty(), m.info());
        }
    }

    @Test
    void ssMastStudentUnderLightningStateDictWithoutHead() throws IOException {
        Map<String, Tensor> teacher = new LinkedHashMap<>();
        try (Safetensors st = Safetensors.open(FIXTURE.resolve("weights.safetensors"))) {
            teacher.put("state_dict.encoder_k.encoder.mast_model.v.patch_embed.proj.weight",
                    arena.allocate(st.entry("patch_embed.proj.weight").shape()));
        }
        teacher.put("state_dict.queue", arena.allocate(256, 16));
        teacher.put("state_dict.encoder_q.mlp.fc1.weight", arena.allocate(16, 256));
        Path w = rewrite("ssmast.safetensors",
                n -> n.startsWith("mlp_head.") ? null : "state_dict.encoder_q.encoder.mast_model.v." + n, teacher);
        try (LoadedModel m = ModelLoader.load(w, configFile(s -> s.replace("\"num_classes\": 35", "\"num_classes\": 0")),
                backend, LoadOptions.defaults())) {
            assertEquals(0, m.model().numClasses());
            assertArrayEquals(expectedPooled, embedding(m.model()), 1e-4f);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> logits(m.model()));
            assertTrue(e.getMessage().contains("no classification head"));
        }
    }

    @Test
    void reportsEveryProblemInOneLine() throws IOException {
        Path w = rewrite("broken.safetensors", n -> switch (n) {
            case "stages.1.blocks.0.attn.qkv.bias", "mlp_head.1.bias" -> null;
            default -> n;
        }, Map.of("stages.9.blocks.0.norm1.weight", arena.allocate(4),
                "stages.0.blocks.0.attn.rel_pos_h", arena.allocate(23, 31)));
        // The second put replaced the fixture's table with a wrong head dimension.
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> ModelLoader.load(w, configFile(s -> s), backend, LoadOptions.defaults()).close());
        String msg = e.getMessage();
        assertFalse(msg.contains("\n"), msg);
        assertTrue(msg.startsWith(w + ": weights do not match the MAST config (micro16):"), msg);
        assertTrue(msg.contains("missing 2: stages.1.blocks.0.attn.qkv.bias[192], mlp_head.1.bias[35]"), msg);
        assertTrue(msg.contains("mis-shaped 1: stages.0.blocks.0.attn.rel_pos_h F32[23, 31] (expected F32[R, 32])"),
                msg);
        assertTrue(msg.contains("unexpected 1: stages.9.blocks.0.norm1.weight"), msg);
    }

    @Test
    void configErrorsNameTheirSource() throws IOException {
        Path w = rewrite("plain.safetensors", n -> n, Map.of());
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> ModelLoader.load(w, backend, LoadOptions.defaults()).close());
        assertTrue(e.getMessage().contains("no architecture"), e.getMessage());
        Path bad = configFile(s -> s.replace("\"depths\"", "\"depths\": [1], \"x\""));
        e = assertThrows(FileFormatException.class, () -> ModelLoader.load(w, bad, backend, LoadOptions.defaults()));
        assertTrue(e.getMessage().startsWith(bad + ": "), e.getMessage());
        Path wrongSize = configFile(s -> s.replace("\"embed_dim\": [32,", "\"embed_dim\": [48,"));
        e = assertThrows(FileFormatException.class,
                () -> ModelLoader.load(w, wrongSize, backend, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("mis-shaped"), e.getMessage());
        Path notMast = rewrite("other.safetensors", n -> "x." + n, Map.of());
        e = assertThrows(FileFormatException.class,
                () -> ModelLoader.load(notMast, wrongSize, backend, LoadOptions.defaults()));
        assertTrue(e.getMessage().contains("not a MAST/AST checkpoint"), e.getMessage());
    }

    @Test
    void ownModelFileRoundTripsWithLabelsAndFrontend() throws IOException {
        Path own = dir.resolve("model.safetensors");
        List<String> labels = new java.util.ArrayList<>();
        for (int k = 0; k < 35; k++) labels.add("word" + k);
        ModelInfo info = new ModelInfo(labels, FrontendSettings.speechCommands());
        try (LoadedModel ref = ModelLoader.load(FIXTURE.resolve("weights.safetensors"), backend, LoadOptions.defaults())) {
            ModelFile.save(own, ref.model(), info);
        }
        try (LoadedModel m = ModelLoader.load(own, backend, LoadOptions.defaults());
             Safetensors st = Safetensors.open(own)) {
            assertEquals(ModelFile.FORMAT, st.metadata().get("format"));
            assertEquals(info, m.info());
            assertEquals("word7", m.info().label(7));
            assertArrayEquals(expectedLogits, logits(m.model()), 1e-4f);
            assertEquals(MastConfig.class, m.model().config().getClass());
        }
    }

    @Test
    void copiedParametersAreWritableAndRepackApplies() throws IOException {
        try (LoadedModel m = ModelLoader.load(FIXTURE.resolve("weights.safetensors"), backend,
                LoadOptions.defaults().withCopyParameters(true))) {
            Parameter bias = m.model().parameters().stream().filter(p -> p.name().equals("mlp_head.1.bias"))
                    .findFirst().orElseThrow();
            assertEquals(Parameter.Kind.BIAS, bias.kind());
            for (long i = 0; i < bias.value().size(); i++) bias.value().setFlat(i, bias.value().getFlat(i) + 1f);
            m.model().repack();
            float[] got = logits(m.model());
            for (int i = 0; i < got.length; i++) assertEquals(expectedLogits[i] + 1f, got[i], 1e-4f);
        }
        try (LoadedModel m = ModelLoader.load(FIXTURE.resolve("weights.safetensors"), backend, LoadOptions.defaults())) {
            Tensor v = m.model().parameters().getFirst().value();
            assertThrows(RuntimeException.class, () -> v.setFlat(0, 1f), "zero-copy parameters are read-only");
        }
    }
}
