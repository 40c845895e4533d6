package dev.mast.model;

import dev.mast.engine.io.Npy;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.JavaBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * AST against our own PyTorch reference (fixtures/ast/make_ast_fixture.py, written from spec §7): the trained
 * length (128 frames) with every block output, a shorter clip (position embedding centre-cropped) and a longer one
 * (position embedding resized bilinearly). The file uses AST's {@code v.} names and carries the unused ImageNet
 * heads, so import by prefix and the ignore list are exercised too.
 */
class AstParityTest {
    private static final double TOL = 1e-4;
    private static final Path DIR = Fixtures.resource("fixtures/ast");

    @ParameterizedTest
    @ValueSource(ints = {128, 100, 200})
    void matchesReference(int frames) throws IOException {
        Map<String, Tensor> seen = new HashMap<>();
        try (JavaBackend backend = new JavaBackend(2);
             LoadedModel loaded = ModelLoader.load(DIR.resolve("weights.safetensors"), backend, LoadOptions.defaults());
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            AudioModel model = loaded.model();
            assertInstanceOf(AstModel.class, model);
            Tensor x = Npy.read(DIR.resolve("input_T" + frames + ".npy")).toTensor(arena);
            Tensor logits = arena.allocate(x.dim(0), model.numClasses());
            model.forward(x, logits, ws, (name, t) -> seen.put(name, arena.allocate(t.shape()).copyFrom(t)));
            Fixtures.assertClose("logits T" + frames, Npy.read(DIR.resolve("logits_T" + frames + ".npy")), logits, TOL);
            Fixtures.assertClose("pooled T" + frames, Npy.read(DIR.resolve("pooled_T" + frames + ".npy")),
                    seen.get("pooled"), TOL);
            if (frames == 128) {
                for (String name : new String[] {"patch_embed", "block_0", "block_1"}) {
                    Fixtures.assertClose(name, Npy.read(DIR.resolve(name + "_T128.npy")), seen.get(name), TOL);
                }
            }
            Tensor emb = arena.allocate(x.dim(0), model.embeddingDim());
            model.embed(x, emb, ws);
            Fixtures.assertClose("embed T" + frames, Npy.read(DIR.resolve("pooled_T" + frames + ".npy")), emb, TOL);
        }
    }

    @Test
    void ownModelFileRoundTrips(@TempDir Path dir) throws IOException {
        Path own = dir.resolve("ast.safetensors");
        try (JavaBackend backend = new JavaBackend(1);
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            try (LoadedModel ref = ModelLoader.load(DIR.resolve("weights.safetensors"), backend, LoadOptions.defaults())) {
                ModelFile.save(own, ref.model(), new ModelInfo(java.util.List.of("a", "b", "c", "d", "e", "f", "g"),
                        null));
            }
            try (LoadedModel m = ModelLoader.load(own, backend, LoadOptions.defaults())) {
                assertEquals(AstConfig.class, m.model().config().getClass());
                assertEquals("g", m.info().label(6));
                Tensor x = Npy.read(DIR.resolve("input_T128.npy")).toTensor(arena);
                Tensor logits = arena.allocate(x.dim(0), 7);
                m.model().forward(x, logits, ws);
                Fixtures.assertClose("logits", Npy.read(DIR.resolve("logits_T128.npy")), logits, TOL);
                assertFalse(m.model().parameters().stream().anyMatch(p -> p.name().startsWith("head")),
                        "the unused ImageNet heads are not part of the model");
            }
        }
    }

    @Test
    void presetsHaveSsastSizes() {
        AstConfig base = AstConfig.preset("base");
        assertEquals(768, base.embedDim());
        assertEquals(12, base.depth());
        assertEquals(12, base.numHeads());
        assertEquals(12 * 101 + 2, base.positions(), "AudioSet length: 12 x 101 patches + cls + dist");
        assertEquals(base, ModelConfig.parse(dev.mast.engine.io.Json.write(base.toJson())));
    }
}
