package dev.mast.model;

import dev.mast.engine.io.Npy;
import dev.mast.engine.io.NpyArray;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.OnednnBackend;
import dev.mast.nativelib.NativeUnavailableException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole model on the oneDNN backend against the PyTorch fixtures, within the same 1e-4 as the Java backend:
 * MAST (both stems: every block and stage output, q/k/v and attention probabilities, pooled features, logits, for
 * the fixture's batch of two and for each clip alone), MAST
 * beyond its rel-pos tables (400 frames), and AST at its three lengths. Skipped where oneDNN cannot load.
 */
class OnednnParityTest {
    private static final double TOL = 1e-4;

    static OnednnBackend openOrSkip(int threads) {
        try {
            return new OnednnBackend(threads);
        } catch (NativeUnavailableException e) {
            assumeTrue(false, e.getMessage());
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @CsvSource({"micro_T128, 2", "micro16_T128, 2", "micro16_T128, 1"})
    void mastMatchesReferenceEverywhere(String fixture, int threads) throws IOException {
        Path dir = Fixtures.resource("fixtures/mast/" + fixture);
        Map<String, Tensor> seen = new HashMap<>();
        try (OnednnBackend backend = openOrSkip(threads);
             LoadedModel loaded = ModelLoader.load(dir.resolve("weights.safetensors"), backend, LoadOptions.defaults());
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            AudioModel model = loaded.model();
            Tensor x = Npy.read(dir.resolve("input.npy")).toTensor(arena);
            Tensor logits = arena.allocate(x.dim(0), model.numClasses());
            model.forward(x, logits, ws, (name, t) -> assertNull(seen.put(name, arena.allocate(t.shape()).copyFrom(t)),
                    "recorded twice: " + name));
            List<Path> expected;
            try (Stream<Path> files = Files.list(dir)) {
                expected = files.filter(p -> p.toString().endsWith(".npy"))
                        .filter(p -> !p.getFileName().toString().equals("input.npy")).sorted().toList();
            }
            assertEquals(27, expected.size());
            for (Path p : expected) {
                String name = p.getFileName().toString().replace(".npy", "");
                assertTrue(seen.containsKey(name), "forward pass did not produce " + name);
                Fixtures.assertClose(fixture + " " + name + " (oneDNN)", Npy.read(p), seen.get(name), TOL);
            }
            Fixtures.assertClose(fixture + " logits (oneDNN)", Npy.read(dir.resolve("logits.npy")), logits, TOL);
            // The operators really ran on oneDNN's optimised code, not its reference implementations.
            List<String> plans = backend.describePlans();
            for (String op : List.of("linear", "matmul", "layer_norm", "softmax", "depthwise_conv3x3", "conv_stem")) {
                assertTrue(plans.stream().anyMatch(l -> l.matches("lane \\d+: " + op + ": .*")), op + " in " + plans);
            }
            assertTrue(plans.stream().noneMatch(l -> l.contains("ref:")), plans.toString());

            // Each clip on its own (batch 1, the usual inference call) gives its row of the fixture.
            NpyArray expectedLogits = Npy.read(dir.resolve("logits.npy"));
            int classes = model.numClasses();
            for (int b = 0; b < x.dim(0); b++) {
                Tensor one = arena.allocate(1, classes);
                model.forward(x.slice(0, b, b + 1), one, ws);
                float[] row = Arrays.copyOfRange(expectedLogits.data(), b * classes, (b + 1) * classes);
                double d = Fixtures.maxAbsDiff(row, one.toArray());
                assertTrue(d <= TOL, fixture + " clip " + b + " alone: max |diff| " + d + " > " + TOL);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2})
    void mastBeyondItsTablesMatchesReference(int threads) throws IOException {
        Path weights = Fixtures.resource("fixtures/mast/micro16_T128/weights.safetensors");
        Path dir = Fixtures.resource("fixtures/mast_extended");
        Map<String, Tensor> seen = new HashMap<>();
        try (OnednnBackend backend = openOrSkip(threads);
             LoadedModel loaded = ModelLoader.load(weights, backend, LoadOptions.defaults());
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            Tensor x = Npy.read(dir.resolve("input_T400.npy")).toTensor(arena);
            Tensor logits = arena.allocate(x.dim(0), loaded.model().numClasses());
            loaded.model().forward(x, logits, ws, (name, t) -> seen.put(name, arena.allocate(t.shape()).copyFrom(t)));
            for (String name : new String[] {"stage0", "stage1", "stage2", "stage3", "pooled"}) {
                Fixtures.assertClose(name + " T400 (oneDNN)", Npy.read(dir.resolve(name + "_T400.npy")), seen.get(name),
                        TOL);
            }
            Fixtures.assertClose("logits T400 (oneDNN)", Npy.read(dir.resolve("logits_T400.npy")), logits, TOL);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 100, 200})
    void astMatchesReference(int frames) throws IOException {
        Path dir = Fixtures.resource("fixtures/ast");
        Map<String, Tensor> seen = new HashMap<>();
        try (OnednnBackend backend = openOrSkip(2);
             LoadedModel loaded = ModelLoader.load(dir.resolve("weights.safetensors"), backend, LoadOptions.defaults());
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            AudioModel model = loaded.model();
            Tensor x = Npy.read(dir.resolve("input_T" + frames + ".npy")).toTensor(arena);
            Tensor logits = arena.allocate(x.dim(0), model.numClasses());
            model.forward(x, logits, ws, (name, t) -> seen.put(name, arena.allocate(t.shape()).copyFrom(t)));
            Fixtures.assertClose("AST logits T" + frames + " (oneDNN)",
                    Npy.read(dir.resolve("logits_T" + frames + ".npy")), logits, TOL);
            Fixtures.assertClose("AST pooled T" + frames + " (oneDNN)",
                    Npy.read(dir.resolve("pooled_T" + frames + ".npy")), seen.get("pooled"), TOL);
            if (frames == 128) {
                for (String name : new String[] {"patch_embed", "block_0", "block_1"}) {
                    Fixtures.assertClose("AST " + name + " (oneDNN)", Npy.read(dir.resolve(name + "_T128.npy")),
                            seen.get(name), TOL);
                }
            }
        }
    }
}
