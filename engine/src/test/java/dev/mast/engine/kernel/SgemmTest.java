package dev.mast.engine.kernel;

import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import static dev.mast.engine.kernel.GemmChecks.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Sgemm#matmul} against {@link ReferenceKernels#matmul}: odd shapes, strided and transposed views, batches,
 * alpha and accumulate, thread counts 1 and 2 (bit-identical), untouched memory around the output.
 */
class SgemmTest extends TwoPoolTest {
    /**
     * Runs c = alpha·a·b (+ c) on both pools into guarded copies of {@code c0} and checks both against the reference
     * (error bound of a float dot product: (k + 4)·u·(|alpha|·|a|·|b| + |c0|)) and against each other (bit for bit).
     */
    private static void check(TensorArena arena, String what, Tensor a, Tensor b, int[] cShape, float alpha,
                              boolean accumulate, long seed) {
        Tensor c1 = guarded(arena, seed, cShape), c2 = guarded(arena, seed, cShape);
        Tensor c0 = copy(arena, c1);
        Tensor expected = copy(arena, c0);
        ReferenceKernels.matmul(a, b, expected, alpha, accumulate);
        Tensor absProd = arena.allocate(cShape);
        ReferenceKernels.matmul(abs(arena, a), abs(arena, b), absProd, 1f, false);
        int k = a.dim(-1);
        Tensor bound = arena.allocate(cShape);
        for (long i = 0; i < bound.size(); i++) {
            double old = accumulate ? Math.abs(c0.getFlat(i)) : 0;
            bound.setFlat(i, (float) ((k + 4) * EPS * (Math.abs(alpha) * absProd.getFlat(i) + old)) + Float.MIN_NORMAL);
        }
        Sgemm.matmul(one, a, b, c1, alpha, accumulate);
        Sgemm.matmul(two, a, b, c2, alpha, accumulate);
        assertWithin(what, expected, c1, bound);
        assertBitIdentical(what + " (1 vs 2 threads)", c1, c2);
        assertGuardsIntact(c1);
        assertGuardsIntact(c2);
    }

    @Test
    void microKernelFollowsTheVectorWidth() {
        int bits = Integer.getInteger("mast.gemm.vectorBits", 0);
        int preferred = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        int expected = bits > 0 && bits < preferred ? bits : preferred;
        assertEquals(expected / Float.SIZE, GemmKernel.LANES);
        assertEquals((expected >= 512 ? 2 : 3) * GemmKernel.LANES, GemmKernel.NR);
        assertEquals(expected >= 512 ? 8 : 4, GemmKernel.MR);
    }

    @Test
    void oddShapes() {
        int[] sizes = {1, 7, 17, 129};
        try (TensorArena arena = new TensorArena()) {
            long seed = 1;
            for (int m : sizes) {
                for (int k : sizes) {
                    for (int n : sizes) {
                        Tensor a = random(arena, seed++, m, k), b = random(arena, seed++, k, n);
                        check(arena, m + "x" + k + "x" + n, a, b, new int[] {m, n}, 1f, false, seed++);
                    }
                }
            }
        }
    }

    @Test
    void edgesOfTheMicroTileAndDeepK() {
        // One less, equal and one more than the micro-tile and the K block, and K spanning several blocks.
        int mr = GemmKernel.MR, nr = GemmKernel.NR, kc = GemmKernel.KC;
        int[][] shapes = {{mr - 1, 5, nr - 1}, {mr, kc, nr}, {mr + 1, kc + 1, nr + 1}, {3 * mr + 2, 2 * kc + 37, 2 * nr + 3},
                {GemmKernel.MC + 1, 40, 10 * nr + 1}, {200, 600, 100}};
        try (TensorArena arena = new TensorArena()) {
            long seed = 100;
            for (int[] s : shapes) {
                Tensor a = random(arena, seed++, s[0], s[1]), b = random(arena, seed++, s[1], s[2]);
                String what = s[0] + "x" + s[1] + "x" + s[2];
                check(arena, what, a, b, new int[] {s[0], s[2]}, 1f, false, seed++);
                check(arena, what + " alpha, accumulate", a, b, new int[] {s[0], s[2]}, -0.37f, true, seed++);
            }
        }
    }

    @Test
    void transposedAndSlicedViews() {
        try (TensorArena arena = new TensorArena()) {
            // a = (storage [k, m])ᵀ: unit row stride; b a column slice of a wider matrix.
            Tensor aT = random(arena, 1, 33, 21), wide = random(arena, 2, 33, 90);
            Tensor a = aT.transpose(0, 1), b = wide.slice(1, 7, 7 + 50);
            check(arena, "aᵀ·b[:, 7:57]", a, b, new int[] {21, 50}, 0.5f, false, 3);
            // Both transposed, and a with a row stride larger than its width.
            Tensor bT = random(arena, 4, 50, 33);
            check(arena, "a[::2]·bᵀ", random(arena, 5, 42, 33).slice(0, 0, 21), bT.transpose(0, 1),
                    new int[] {21, 50}, 1f, true, 6);
        }
    }

    @Test
    void batchedAttentionForms() {
        // The attention products as the model issues them: q, k, v are strided views of one QKV projection
        // [B, N, 3, h, hd]; scores = scale·Q·Kᵀ [B, h, N, N]; z = P·V [B, h, N, hd].
        int batch = 2, tokens = 37, heads = 3, hd = 24;
        try (TensorArena arena = new TensorArena()) {
            Tensor qkv = random(arena, 7, batch, tokens, 3, heads, hd);
            Tensor q = qkv.select(2, 0).permute(0, 2, 1, 3), k = qkv.select(2, 1).permute(0, 2, 1, 3);
            Tensor v = qkv.select(2, 2).permute(0, 2, 1, 3);
            float scale = (float) (1 / Math.sqrt(hd));
            check(arena, "scale·Q·Kᵀ", q, k.transpose(-2, -1), new int[] {batch, heads, tokens, tokens}, scale, false, 8);
            Tensor p = random(arena, 9, batch, heads, tokens, tokens);
            check(arena, "P·V", p, v, new int[] {batch, heads, tokens, hd}, 1f, false, 10);
            check(arena, "Z += P·V", p, v, new int[] {batch, heads, tokens, hd}, 1f, true, 11);
        }
    }

    @Test
    void outputIntoAStridedView() {
        try (TensorArena arena = new TensorArena()) {
            Tensor a = random(arena, 1, 19, 13), b = random(arena, 2, 13, 29);
            Tensor big = random(arena, 3, 29, 40);
            Tensor c = big.transpose(0, 1).slice(0, 5, 24); // [19, 29] with unit row stride
            Tensor before = copy(arena, big);
            Tensor expected = arena.allocate(19, 29);
            ReferenceKernels.matmul(a, b, expected, 1f, false);
            Sgemm.matmul(two, a, b, c);
            for (int i = 0; i < 29; i++) {
                for (int j = 0; j < 40; j++) {
                    if (j >= 5 && j < 24) {
                        assertEquals(expected.get(j - 5, i), big.get(i, j), 1e-5, "c[" + (j - 5) + ", " + i + "]");
                    } else {
                        assertEquals(before.get(i, j), big.get(i, j), "outside the view at " + i + ", " + j);
                    }
                }
            }
        }
    }

    @Test
    void heapTensors() {
        try (TensorArena arena = new TensorArena()) {
            float[] av = new float[9 * 30], bv = new float[30 * 50];
            java.util.Random r = new java.util.Random(5);
            for (int i = 0; i < av.length; i++) av[i] = r.nextFloat() - 0.5f;
            for (int i = 0; i < bv.length; i++) bv[i] = r.nextFloat() - 0.5f;
            Tensor a = Tensor.of(av, 9, 30), b = Tensor.of(bv, 30, 50), c = Tensor.of(new float[9 * 50], 9, 50);
            Tensor expected = arena.allocate(9, 50), native1 = arena.allocate(9, 50);
            Sgemm.matmul(two, a, b, c);
            Sgemm.matmul(one, copy(arena, a), copy(arena, b), native1);
            ReferenceKernels.matmul(a, b, expected, 1f, false);
            assertBitIdentical("heap vs native memory", native1, c);
            // (k + 4)·u·Σ|a|·|b| with |a|, |b| <= 0.5 and k = 30
            for (long i = 0; i < c.size(); i++) assertEquals(expected.getFlat(i), c.getFlat(i), 34 * EPS * 30 * 0.25);
        }
    }

    @Test
    void emptyDepthGivesZeroOrKeepsC() {
        try (TensorArena arena = new TensorArena()) {
            Tensor a = arena.allocate(5, 0), b = arena.allocate(0, 7), c = random(arena, 1, 5, 7);
            Tensor old = copy(arena, c);
            Sgemm.matmul(two, a, b, c, 2f, true);
            assertBitIdentical("c += a·b with k = 0", old, c);
            Sgemm.matmul(two, a, b, c);
            for (long i = 0; i < c.size(); i++) assertEquals(0f, c.getFlat(i));
        }
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        try (TensorArena arena = new TensorArena()) {
            Tensor a = arena.allocate(4, 5), b = arena.allocate(6, 7), c = arena.allocate(4, 7);
            var e = assertThrows(ShapeMismatchException.class, () -> Sgemm.matmul(one, a, b, c));
            assertTrue(e.getMessage().contains("[4, 5]") && e.getMessage().contains("[6, 7]"), e.getMessage());
            Tensor a3 = arena.allocate(2, 4, 5), b3 = arena.allocate(3, 5, 7), c3 = arena.allocate(2, 4, 7);
            e = assertThrows(ShapeMismatchException.class, () -> Sgemm.matmul(one, a3, b3, c3));
            assertTrue(e.getMessage().contains("[2, 4, 5]") && e.getMessage().contains("[3, 5, 7]"), e.getMessage());
        }
    }
}
