package dev.mast.model;

import dev.mast.engine.io.Npy;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.model.backend.JavaBackend;
import dev.mast.model.layer.RelPosMode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Clips longer than the imported rel-pos tables: the micro16 fixture weights (tables for a 12×12 grid) at 400
 * frames (12×39) against fixtures/mast_extended/make_mast_extended.py, a PyTorch reference that reproduces the
 * timm fixture at 128 frames and resamples overflowing tables with F.interpolate; strict mode rejects the clip.
 */
class MastExtendedTest {
    private static final Path WEIGHTS = Fixtures.resource("fixtures/mast/micro16_T128/weights.safetensors");
    private static final Path DIR = Fixtures.resource("fixtures/mast_extended");

    @Test
    void interpolatesTablesLikeThePyTorchReference() throws IOException {
        Map<String, Tensor> seen = new HashMap<>();
        try (JavaBackend backend = new JavaBackend(2);
             LoadedModel loaded = ModelLoader.load(WEIGHTS, backend, LoadOptions.defaults());
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            Tensor x = Npy.read(DIR.resolve("input_T400.npy")).toTensor(arena);
            Tensor logits = arena.allocate(x.dim(0), loaded.model().numClasses());
            loaded.model().forward(x, logits, ws, (name, t) -> seen.put(name, arena.allocate(t.shape()).copyFrom(t)));
            for (String name : new String[] {"stage0", "stage1", "stage2", "stage3", "pooled"}) {
                Fixtures.assertClose(name + " T400", Npy.read(DIR.resolve(name + "_T400.npy")), seen.get(name), 1e-4);
            }
            Fixtures.assertClose("logits T400", Npy.read(DIR.resolve("logits_T400.npy")), logits, 1e-4);
        }
    }

    @Test
    void strictModeRejectsTheOverflow() throws IOException {
        try (JavaBackend backend = new JavaBackend(1);
             LoadedModel loaded = ModelLoader.load(WEIGHTS, backend, LoadOptions.defaults().withRelPos(RelPosMode.STRICT));
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            Tensor ok = arena.allocate(1, 128, 128);
            Tensor logits = arena.allocate(1, 35);
            loaded.model().forward(ok, logits, ws); // the trained length fits
            Tensor tooLong = arena.allocate(1, 400, 128);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loaded.model().forward(tooLong, logits, ws));
            assertTrue(e.getMessage().startsWith("stages.0.blocks.0.attn.rel_pos_w has 23 rows"), e.getMessage());
        }
    }

    /** AudioSet length (10.24 s): a 12×101 grid, far beyond 12×12 tables; shapes per spec §2.9. */
    @Test
    void runsTheAudioSetLength() throws IOException {
        Map<String, int[]> shapes = new HashMap<>();
        try (JavaBackend backend = new JavaBackend(2);
             LoadedModel loaded = ModelLoader.load(WEIGHTS, backend, LoadOptions.defaults());
             TensorArena arena = new TensorArena();
             Workspace ws = new Workspace()) {
            Tensor x = arena.allocate(1, 1024, 128);
            for (long i = 0; i < x.size(); i++) x.setFlat(i, (float) Math.sin(i * 0.001));
            Tensor logits = arena.allocate(1, 35);
            loaded.model().forward(x, logits, ws, (name, t) -> shapes.put(name, t.shape()));
            assertArrayEquals(new int[] {1, 1212, 32}, shapes.get("stage0"));
            assertArrayEquals(new int[] {1, 1, 78, 32}, shapes.get("block_0_0_attn_k"), "K/V grid 3x26");
            assertArrayEquals(new int[] {1, 306, 64}, shapes.get("stage1"), "6x51");
            assertArrayEquals(new int[] {1, 78, 128}, shapes.get("stage2"), "3x26");
            assertArrayEquals(new int[] {1, 26, 256}, shapes.get("stage3"), "2x13");
            for (float v : logits.toArray()) assertTrue(Float.isFinite(v));
        }
    }
}
