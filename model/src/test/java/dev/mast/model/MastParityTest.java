package dev.mast.model;

import dev.mast.engine.io.Npy;
import dev.mast.engine.io.NpyArray;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.JavaBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * MAST against the PyTorch reference fixtures (which match timm bit for bit): logits, every block and stage
 * output, pooled features and the attention q/k/v/probabilities of every block, for both stems.
 */
class MastParityTest {
    private static final double TOL = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"micro_T128", "micro16_T128"})
    void matchesReferenceEverywhere(String fixture) throws IOException {
        Path dir = Fixtures.resource("fixtures/mast/" + fixture);
        Map<String, Tensor> seen = new HashMap<>();
        try (JavaBackend backend = new JavaBackend(2);
             LoadedModel loaded = ModelLoader.load(dir.resolve("weights.safetensors"), backend, LoadOptions.defaults());
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            AudioModel model = loaded.model();
            NpyArray input = Npy.read(dir.resolve("input.npy"));
            Tensor x = input.toTensor(arena);
            Tensor logits = arena.allocate(x.dim(0), model.numClasses());
            model.forward(x, logits, ws, (name, t) -> {
                Tensor copy = arena.allocate(t.shape()).copyFrom(t);
                assertNull(seen.put(name, copy), "recorded twice: " + name);
            });
            List<Path> expected;
            try (Stream<Path> files = Files.list(dir)) {
                expected = files.filter(p -> p.toString().endsWith(".npy"))
                        .filter(p -> !p.getFileName().toString().equals("input.npy")).sorted().toList();
            }
            assertEquals(27, expected.size(), "4 blocks x (output, q, k, v, probabilities), 4 stages, patch_embed, pooled, logits");
            for (Path p : expected) {
                String name = p.getFileName().toString().replace(".npy", "");
                assertTrue(seen.containsKey(name), "forward pass did not produce " + name);
                Fixtures.assertClose(fixture + " " + name, Npy.read(p), seen.get(name), TOL);
            }
            Fixtures.assertClose(fixture + " logits (output tensor)", Npy.read(dir.resolve("logits.npy")), logits, TOL);
        }
    }
}
