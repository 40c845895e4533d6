package dev.mast.model;

import dev.mast.engine.io.Json;
import dev.mast.engine.io.JsonException;
import dev.mast.model.layer.Parameter;
import dev.mast.model.layer.ParameterSource;
import dev.mast.model.layer.ParameterSpec;
import dev.mast.model.layer.RelPosMode;
import dev.mast.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class MastConfigTest {
    /** Zero-filled parameters: enough to build a model and count its parameters. */
    private static final class Zeros implements ParameterSource {
        final Arena arena = Arena.ofShared();

        @Override
        public Tensor take(ParameterSpec spec) {
            return Tensor.allocate(arena, spec.shape());
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** Parameters of the stages only (no stem, no head), with the tables timm sizes for its 56×56 ImageNet grid. */
    private static long stageParameters(MastConfig c) {
        // MViTv2's own 7×7/4 stem on 224×224 gives timm's 56×56 grid, so fresh tables get timm's lengths (§2.6).
        MastConfig imagenet = c.withStem(7).withInputSize(224, 224);
        try (NoPackBackend be = new NoPackBackend();
             MastModel m = new MastModel(imagenet, new Zeros(), be, RelPosMode.EXTENDED)) {
            long n = 0;
            for (Parameter p : m.parameters()) {
                if (!p.name().startsWith("patch_embed") && !p.name().startsWith("mlp_head")) n += p.value().size();
            }
            return n;
        }
    }

    @Test
    void tinyMatchesTheSpecParameterCount() {
        // Spec §2.14: tiny encoder 23,413,248 with the 16×16 stem (24,672 parameters).
        assertEquals(23_413_248L - 24_672L, stageParameters(MastConfig.preset("tiny")));
    }

    @Test
    void smallAndBaseDifferFromTinyByWholeBlocks() {
        MastConfig tiny = MastConfig.preset("tiny");
        // Per-block counts of spec §2.8: small adds 6 blocks of stage 2 (1,782,816 each).
        assertEquals(34_110_144L - 24_672L, 23_413_248L - 24_672L + 6 * 1_782_816L);
        assertEquals(stageParameters(tiny.withDepths(1, 2, 6, 2)) - stageParameters(tiny),
                1_782_816L, "one extra stage-2 block");
        assertEquals(stageParameters(tiny.withDepths(1, 3, 5, 2)) - stageParameters(tiny), 458_592L,
                "one extra stage-1 block");
        assertArrayEquals(new int[] {1, 2, 11, 2}, MastConfig.preset("small").depths());
        assertArrayEquals(new int[] {2, 3, 16, 3}, MastConfig.preset("base").depths());
    }

    @Test
    void largeExpandsInTheMlp() {
        MastConfig large = MastConfig.preset("large");
        assertFalse(large.expandAttn());
        // Spec §2.8, large, with two blocks per stage: 0.0, 0.last, 1.0, 1.last, 2.0, 2.last, 3.0, 3.1.
        long expected = 269_064L + 393_912L + 1_009_368L + 1_507_896L + 3_999_096L + 5_987_448L + 15_946_488L
                + 15_944_472L;
        assertEquals(expected, stageParameters(large.withDepths(2, 2, 2, 2)));
        MastConfig.BlockSpec last0 = large.blocks().get(1);
        assertTrue(last0.projMlp());
        assertFalse(last0.projAttn());
        assertEquals(144, last0.dimAttn());
        assertEquals(288, last0.dimOut());
        assertEquals(1152, large.embeddingDim());
    }

    @Test
    void readsTheFixtureConfigAndRoundTrips() throws IOException {
        String meta = Files.readString(Fixtures.resource("fixtures/mast/micro16_T128/meta.json"));
        Map<?, ?> m = (Map<?, ?>) Json.parse(meta);
        MastConfig c = (MastConfig) ModelConfig.parse(Json.write(m.get("config")));
        assertEquals("micro16", c.variant());
        assertTrue(c.expandAttn());
        assertEquals(35, c.numClasses());
        assertArrayEquals(new int[] {16, 16}, c.patchKernel());
        assertEquals(12, c.gridHeight(128));
        assertEquals(12, c.gridWidth(128));
        assertEquals(256, c.embeddingDim());
        List<MastConfig.BlockSpec> blocks = c.blocks();
        assertEquals(4, blocks.size());
        assertEquals(new MastConfig.BlockSpec(1, 0, 32, 64, 64, 2, 2, 2, 2, true, false, 256), blocks.get(1));
        MastConfig back = (MastConfig) ModelConfig.parse(Json.write(c.toJson()));
        assertEquals(c, back);
        assertNotEquals(c, c.withNumClasses(3));
    }

    @Test
    void derivesAdaptiveKvStridesAndScalarWidths() {
        MastConfig c = (MastConfig) ModelConfig.parse("{\"depths\": [1, 2, 5, 2], \"embed_dim\": 96,"
                + " \"num_heads\": 1, \"num_classes\": 10}");
        assertArrayEquals(new int[] {96, 192, 384, 768}, c.embedDim());
        assertArrayEquals(new int[] {1, 2, 4, 8}, c.numHeads());
        assertEquals(MastConfig.preset("tiny").withNumClasses(10).blocks(), c.blocks());
        MastConfig large = (MastConfig) ModelConfig.parse("{\"variant\": \"large\", \"depths\": [2, 6, 36, 4],"
                + " \"embed_dim\": 144, \"num_heads\": 2, \"num_classes\": 10}");
        assertFalse(large.expandAttn());
    }

    @Test
    void rejectsBadConfigsWithTheField() {
        String[][] cases = {
                {"{\"depths\": [1, 1], \"embed_dim\": [8, 16, 32], \"num_heads\": 1, \"num_classes\": 2}",
                        "config.embed_dim: 3 values for 2 stages"},
                {"{\"depths\": [1], \"embed_dim\": [8], \"num_heads\": [3], \"num_classes\": 2}", "not divisible"},
                {"{\"depths\": [1], \"embed_dim\": [8], \"num_heads\": [1], \"num_classes\": 2,"
                        + " \"kernel_qkv\": [5, 5]}", "only [3, 3]"},
                {"{\"depths\": [1, 1], \"embed_dim\": [8, 16], \"num_heads\": [1, 2], \"num_classes\": 2,"
                        + " \"stride_q\": [[1, 1], [4, 4]]}", "config.stride_q[1]"},
                {"{\"depths\": [1], \"embed_dim\": [8], \"num_heads\": [1]}", "missing field \"num_classes\""},
                {"{\"architecture\": \"cnn\"}", "unknown architecture"},
        };
        for (String[] c : cases) {
            JsonException e = assertThrows(JsonException.class, () -> ModelConfig.parse(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }
}
