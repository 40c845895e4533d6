package dev.mast.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The benchmark shapes against the spec's shape walk-through (§2.3, §2.8, §2.9). */
class MastShapesTest {
    @Test
    void tokenGridsMatchTheSpecWalkThrough() {
        // §2.9, input 1 × 128 × 1024: 12×101 (1212), 6×51 (306), 3×26 (78), 2×13 (26).
        assertArrayEquals(new int[] {1212, 306, 78, 26}, MastShapes.tokens(1024, 1));
        // K/V grids of the later blocks: stage 0 3×26 (78), stage 1 3×26 (78), stage 2 3×26, stage 3 2×13.
        assertArrayEquals(new int[] {78, 78, 78, 26}, MastShapes.keyTokens(1024, 1));
        // §2.3 table: T = 100 -> 108, 128 -> 144, 512 -> 600.
        assertEquals(108, MastShapes.tokens(100, 1)[0]);
        assertEquals(144, MastShapes.tokens(128, 1)[0]);
        assertEquals(600, MastShapes.tokens(512, 1)[0]);
        // §2.9, 128 × 128: 12×12 -> 6×6 -> 3×3 -> 2×2.
        assertArrayEquals(new int[] {144, 36, 9, 4}, MastShapes.tokens(128, 1));
    }

    @Test
    void linearLayersHaveTheSpecWidths() {
        List<MastShapes.Gemm> layers = MastShapes.linearLayers(1024, 1);
        // Stage 2's first block: QKV 192 -> 3·384 over the 306 tokens of its input (§2.7, §2.8).
        assertTrue(layers.contains(new MastShapes.Gemm("s2.0 qkv T=1024 B=1", 306, 192, 1152)), layers.toString());
        assertTrue(layers.contains(new MastShapes.Gemm("s3 fc2 T=1024 B=1", 26, 3072, 768)), layers.toString());
        for (MastShapes.Gemm g : MastShapes.LINEAR) {
            assertTrue(g.m() >= 144 && g.m() <= 3200, g.toString());
            assertTrue(g.k() >= 96 && g.k() <= 3072 && g.n() >= 96 && g.n() <= 3072, g.toString());
        }
    }

    @Test
    void jmhShapeListIsTheReportList() throws NoSuchFieldException {
        String[] jmh = SgemmBenchmark.class.getField("shape").getAnnotation(Param.class).value();
        String[] report = MastShapes.LINEAR.stream().map(MastShapes.Gemm::shape).toArray(String[]::new);
        assertEquals(Arrays.asList(report), Arrays.asList(jmh));
    }
}
