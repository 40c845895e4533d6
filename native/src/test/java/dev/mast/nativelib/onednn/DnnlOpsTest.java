package dev.mast.nativelib.onednn;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.kernel.Pool3x3;
import dev.mast.engine.kernel.ReferenceKernels;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.nativelib.NativeUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every oneDNN operation against the scalar reference kernels (double accumulation) on odd shapes, dense and
 * strided views, and with the engine's two thread counts.
 */
class DnnlOpsTest {
    /** Relative tolerance of float32 results against the double-accumulating references. */
    private static final double RTOL = 1e-5;

    private static DnnlEngine one, two;

    @BeforeAll
    static void open() throws NativeUnavailableException {
        one = DnnlEngine.open(1);
        two = DnnlEngine.open(2);
    }

    @AfterAll
    static void close() {
        one.close();
        two.close();
    }

    private static boolean planRuns(DnnlEngine e, String op, String implPrefix) {
        return e.describePlans().stream().anyMatch(l -> l.startsWith(op + ": " + implPrefix));
    }

    // ---- linear --------------------------------------------------------------------------------------------

    @Test
    void linearMatchesReferenceForEveryEpilogue() {
        try (TensorArena ar = new TensorArena()) {
            Tensor w = Fill.random(ar, 1, 67, 45), b = Fill.random(ar, 2, 67);
            for (DnnlEngine e : List.of(one, two)) {
                DnnlLinear lin = e.linear(w, b);
                for (int rows : new int[] {1, 7, 37, 130}) {
                    Tensor x = Fill.random(ar, 3 + rows, rows, 45);
                    for (Epilogue ep : Epilogue.values()) {
                        Tensor y = Fill.random(ar, 5, rows, 67), ref = ar.allocate(rows, 67).copyFrom(y);
                        lin.forward(x, y, ep);
                        ReferenceKernels.linear(x, w, b, ref, ep);
                        Fill.assertClose("linear " + rows + " rows " + ep + " on " + e.threads() + " threads", ref, y,
                                RTOL);
                    }
                }
                assertTrue(planRuns(e, "linear", "brg_matmul"), e.describePlans().toString());
            }
        }
    }

    @Test
    void linearWithoutBiasOnBatchedAndStridedRows() {
        try (TensorArena ar = new TensorArena()) {
            Tensor w = Fill.random(ar, 11, 33, 20);
            DnnlLinear lin = one.linear(w, null, 16);
            assertEquals(20, lin.inFeatures());
            assertEquals(33, lin.outFeatures());
            // [3, 13, 20] rows in place; rows that are a column slice of a wider tensor (row stride 29); rows that
            // do not merge (a permuted view) and are staged.
            Tensor dense = Fill.random(ar, 12, 3, 13, 20);
            Tensor wide = Fill.random(ar, 13, 3, 13, 29).slice(2, 4, 24);
            Tensor permuted = Fill.random(ar, 14, 13, 3, 20).permute(1, 0, 2);
            for (Tensor x : List.of(dense, wide, permuted)) {
                Tensor y = ar.allocate(3, 13, 33), ref = ar.allocate(3, 13, 33);
                lin.forward(x, y, Epilogue.NONE);
                ReferenceKernels.linear(ar.allocate(3, 13, 20).copyFrom(x).reshape(39, 20), w, null, ref.reshape(39, 33),
                        Epilogue.NONE);
                Fill.assertClose("linear x " + x, ref, y, RTOL);
            }
            // Output into a column slice of a wider tensor, accumulating.
            Tensor out = Fill.random(ar, 15, 3, 13, 40).slice(2, 5, 38);
            Tensor ref = ar.allocate(3, 13, 33).copyFrom(out);
            lin.forward(dense, out, Epilogue.ACCUMULATE);
            ReferenceKernels.linear(dense.reshape(39, 20), w, null, ref.reshape(39, 33), Epilogue.ACCUMULATE);
            Fill.assertClose("linear into a strided output", ref, out, RTOL);
        }
    }

    @Test
    void linearTakesHeapWeightsAndRejectsHeapActivations() {
        try (TensorArena ar = new TensorArena()) {
            float[] wv = Fill.random(ar, 21, 5, 4).toArray();
            Tensor heapW = Tensor.of(wv, 5, 4);
            DnnlLinear lin = one.linear(heapW, Tensor.of(new float[] {1, 2, 3, 4, 5}, 5));
            Tensor x = Fill.random(ar, 22, 3, 4), y = ar.allocate(3, 5), ref = ar.allocate(3, 5);
            lin.forward(x, y, Epilogue.NONE);
            ReferenceKernels.linear(x, heapW, Tensor.of(new float[] {1, 2, 3, 4, 5}, 5), ref, Epilogue.NONE);
            Fill.assertClose("linear with heap weights", ref, y, RTOL);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> lin.forward(Tensor.of(new float[12], 3, 4), y, Epilogue.NONE));
            assertTrue(e.getMessage().contains("native memory"), e.getMessage());
            var s = assertThrows(ShapeMismatchException.class, () -> lin.forward(x, ar.allocate(3, 6), Epilogue.NONE));
            assertTrue(s.getMessage().contains("[3, 6]"), s.getMessage());
            lin.close();
            assertThrows(IllegalStateException.class, () -> lin.forward(x, y, Epilogue.NONE));
        }
    }

    // ---- batched matmul ------------------------------------------------------------------------------------

    @Test
    void batchedMatmulWithScaleAndAccumulate() {
        try (TensorArena ar = new TensorArena()) {
            Tensor a = Fill.random(ar, 31, 2, 3, 7, 19), b = Fill.random(ar, 32, 2, 3, 19, 11);
            for (DnnlEngine e : List.of(one, two)) {
                for (boolean acc : new boolean[] {false, true}) {
                    Tensor c = Fill.random(ar, 33, 2, 3, 7, 11), ref = ar.allocate(2, 3, 7, 11).copyFrom(c);
                    e.matmul(a, b, c, 0.37f, acc);
                    ReferenceKernels.matmul(a, b, ref, 0.37f, acc);
                    Fill.assertClose("matmul accumulate=" + acc, ref, c, RTOL);
                }
            }
            Tensor m = Fill.random(ar, 34, 5, 3), n = Fill.random(ar, 35, 3, 9), c = ar.allocate(5, 9);
            Tensor ref = ar.allocate(5, 9);
            one.matmul(m, n, c, 1f, false);
            ReferenceKernels.matmul(m, n, ref, 1f, false);
            Fill.assertClose("matmul of matrices", ref, c, RTOL);
        }
    }

    @Test
    void attentionProductsOnStridedViewsRunInPlace() {
        int batch = 2, tokens = 37, heads = 3, d = 24;
        try (TensorArena ar = new TensorArena()) {
            // qkv [B, N, 3, H, d] as a fused projection writes it; q, k, v are [B, H, N, d] views into it.
            Tensor qkv = Fill.random(ar, 41, batch, tokens, 3, heads, d);
            Tensor q = qkv.select(2, 0).permute(0, 2, 1, 3);
            Tensor k = qkv.select(2, 1).permute(0, 2, 1, 3);
            Tensor v = qkv.select(2, 2).permute(0, 2, 1, 3);
            float scale = (float) (1 / Math.sqrt(d));
            DnnlEngine e = DnnlEngine.open(1);
            try (e) {
                Tensor scores = ar.allocate(batch, heads, tokens, tokens), ref = ar.allocate(batch, heads, tokens, tokens);
                e.matmul(q, k.transpose(-2, -1), scores, scale, false);
                ReferenceKernels.matmul(q, k.transpose(-2, -1), ref, scale, false);
                Fill.assertClose("Q·Kᵀ·scale", ref, scores, RTOL);
                // P·V written straight into the [B, N, H, d] layout the output projection reads.
                Tensor out = ar.allocate(batch, tokens, heads, d), refOut = ar.allocate(batch, tokens, heads, d);
                e.matmul(scores, v, out.permute(0, 2, 1, 3), 1f, false);
                ReferenceKernels.matmul(ref, v, refOut.permute(0, 2, 1, 3), 1f, false);
                Fill.assertClose("P·V", refOut, out, RTOL);
                assertEquals(2, e.cachedPlans());
                assertTrue(e.describePlans().stream().allMatch(l -> l.startsWith("matmul: brg_matmul")),
                        "strided attention views should run in place: " + e.describePlans());
                // A column-major destination has no fast kernel: it is staged, with the same result.
                Tensor scoresT = ar.allocate(batch, heads, tokens, tokens);
                e.matmul(q, k.transpose(-2, -1), scoresT.transpose(-2, -1), scale, false);
                Fill.assertClose("Q·Kᵀ into a transposed view", ref.transpose(-2, -1), scoresT, RTOL);
                assertTrue(e.describePlans().stream().anyMatch(l -> l.contains("staged")), e.describePlans().toString());
            }
        } catch (NativeUnavailableException ex) {
            fail(ex);
        }
    }

    /**
     * One clip (batch 1): the batch dimension's stride addresses nothing, and how it is normalised decides whether
     * oneDNN's batched matmul reads the per-head views right (it did not when the size-1 batch got a stride smaller
     * than the token dimension's).
     */
    @Test
    void attentionProductsForASingleClip() {
        for (int tokens : new int[] {12, 36}) {
            try (TensorArena ar = new TensorArena()) {
                Tensor pooled = Fill.random(ar, 42, 1, tokens, 2, 32); // a pooled Q or K, [B, N, heads, d]
                Tensor q = pooled.permute(0, 2, 1, 3);
                Tensor k = Fill.random(ar, 43, 1, tokens, 2, 32).permute(0, 2, 1, 3);
                Tensor scores = ar.allocate(1, 2, tokens, tokens), ref = ar.allocate(1, 2, tokens, tokens);
                for (DnnlEngine e : List.of(one, two)) {
                    e.matmul(q, k.transpose(-2, -1), scores, 0.25f, false);
                    ReferenceKernels.matmul(q, k.transpose(-2, -1), ref, 0.25f, false);
                    Fill.assertClose("Q·Kᵀ of one clip, " + tokens + " tokens", ref, scores, RTOL);
                    Tensor out = Fill.random(ar, 44, 1, tokens, 2, 32), refOut = ar.allocate(1, tokens, 2, 32);
                    refOut.copyFrom(out);
                    e.matmul(scores, k, out.permute(0, 2, 1, 3), 1f, true);
                    ReferenceKernels.matmul(ref, k, refOut.permute(0, 2, 1, 3), 1f, true);
                    Fill.assertClose("P·V accumulated for one clip", refOut, out, RTOL);
                }
            }
        }
    }

    @Test
    void transposedOperandsRunInPlace() {
        try (TensorArena ar = new TensorArena()) {
            DnnlEngine e = DnnlEngine.open(1);
            try (e) {
                // a and b stored transposed ([..., k, m] and [..., n, k]) and read through transposed views.
                Tensor at = Fill.random(ar, 36, 2, 19, 7), bt = Fill.random(ar, 37, 2, 11, 19);
                Tensor c = ar.allocate(2, 7, 11), ref = ar.allocate(2, 7, 11);
                e.matmul(at.transpose(-2, -1), bt.transpose(-2, -1), c, 1f, false);
                ReferenceKernels.matmul(at.transpose(-2, -1), bt.transpose(-2, -1), ref, 1f, false);
                Fill.assertClose("matmul of transposed views", ref, c, RTOL);
                assertTrue(planRuns(e, "matmul", "brg_matmul"), e.describePlans().toString());
            }
        } catch (NativeUnavailableException ex) {
            fail(ex);
        }
    }

    @Test
    void matmulRejectsMismatchedShapes() {
        try (TensorArena ar = new TensorArena()) {
            var ex = assertThrows(ShapeMismatchException.class,
                    () -> one.matmul(ar.allocate(2, 3), ar.allocate(4, 5), ar.allocate(2, 5), 1f, false));
            assertTrue(ex.getMessage().contains("[2, 3]") && ex.getMessage().contains("[4, 5]"), ex.getMessage());
        }
    }

    @Test
    void sgemmOnRowMajorAndTransposedMatrices() {
        try (TensorArena ar = new TensorArena()) {
            Tensor a = Fill.random(ar, 51, 13, 29), bt = Fill.random(ar, 52, 17, 29);
            Tensor c = Fill.random(ar, 53, 13, 17), ref = ar.allocate(13, 17).copyFrom(c);
            two.sgemm(a, bt.transpose(0, 1), c, 0.5f, true);
            ReferenceKernels.matmul(a, bt.transpose(0, 1), ref, 0.5f, true);
            Fill.assertClose("sgemm", ref, c, RTOL);
        }
    }

    // ---- layer norm and softmax ----------------------------------------------------------------------------

    @Test
    void layerNormDenseStridedAndInPlace() {
        try (TensorArena ar = new TensorArena()) {
            Tensor gamma = Fill.random(ar, 61, 45), beta = Fill.random(ar, 62, 45);
            Tensor dense = Fill.random(ar, 63, 3, 17, 45);
            Tensor wide = Fill.random(ar, 64, 3, 17, 50).slice(2, 2, 47);
            Tensor permuted = Fill.random(ar, 65, 17, 3, 45).permute(1, 0, 2);
            for (DnnlEngine e : List.of(one, two)) {
                for (Tensor x : List.of(dense, wide, permuted)) {
                    Tensor y = ar.allocate(3, 17, 45), ref = ar.allocate(3, 17, 45);
                    e.layerNorm(x, gamma, beta, 1e-6f, y);
                    ReferenceKernels.layerNorm(x, gamma, beta, 1e-6f, ref);
                    Fill.assertClose("layer_norm of " + x, ref, y, RTOL);
                }
            }
            Tensor x = Fill.random(ar, 66, 5, 45), ref = ar.allocate(5, 45);
            ReferenceKernels.layerNorm(x, gamma, beta, 1e-5f, ref);
            one.layerNorm(x, gamma, beta, 1e-5f, x);
            Fill.assertClose("layer_norm in place", ref, x, RTOL);
        }
    }

    @Test
    void softmaxDenseStridedAndInPlace() {
        try (TensorArena ar = new TensorArena()) {
            Tensor dense = Fill.random(ar, 71, 2, 3, 17, 29);
            Tensor wide = Fill.random(ar, 72, 2, 3, 17, 33).slice(3, 1, 30);
            for (DnnlEngine e : List.of(one, two)) {
                for (Tensor x : List.of(dense, wide)) {
                    Tensor y = ar.allocate(2, 3, 17, 29), ref = ar.allocate(2, 3, 17, 29);
                    e.softmax(x, y);
                    ReferenceKernels.softmax(x, ref);
                    Fill.assertClose("softmax of " + x, ref, y, RTOL);
                }
            }
            Tensor x = Fill.random(ar, 73, 4, 100), ref = ar.allocate(4, 100);
            for (long i = 0; i < x.size(); i++) x.setFlat(i, 30 * x.getFlat(i)); // large logits: max subtraction
            ReferenceKernels.softmax(x, ref);
            one.softmax(x, x);
            Fill.assertClose("softmax in place", ref, x, RTOL);
        }
    }

    // ---- depthwise conv and the stem -----------------------------------------------------------------------

    @Test
    void depthwiseConvForStridesAndLayouts() {
        try (TensorArena ar = new TensorArena()) {
            int c = 13;
            Tensor w = Fill.random(ar, 81, c, 1, 3, 3);
            Tensor dense = Fill.random(ar, 82, 2, 3, 11, 9, c);
            // One head's channels out of [B, H, W, heads·C]: images [B, heads, H, W, C] that do not merge.
            Tensor heads = Fill.random(ar, 83, 2, 11, 9, 3, c).permute(0, 3, 1, 2, 4);
            // Channels sliced out of wider pixels: the images merge, the pixel stride is not C.
            Tensor sliced = Fill.random(ar, 85, 2, 3, 11, 9, c + 7).slice(4, 5, 5 + c);
            for (DnnlEngine e : List.of(one, two)) {
                DnnlDepthwiseConv3x3 conv = e.depthwiseConv3x3(w);
                assertEquals(c, conv.channels());
                for (Tensor x : List.of(dense, heads, sliced)) {
                    for (int[] s : new int[][] {{1, 1}, {2, 2}, {2, 1}, {1, 3}}) {
                        int ho = Pool3x3.outputSize(11, s[0]), wo = Pool3x3.outputSize(9, s[1]);
                        Tensor y = x == sliced ? ar.allocate(2, 3, ho, wo, c + 3).slice(4, 2, 2 + c)
                                : ar.allocate(2, 3, ho, wo, c);
                        Tensor ref = ar.allocate(2, 3, ho, wo, c);
                        conv.forward(x, s[0], s[1], y);
                        ReferenceKernels.depthwiseConv3x3(x, w, s[0], s[1], ref);
                        Fill.assertClose("depthwise stride " + s[0] + "x" + s[1] + " of " + x, ref, y, RTOL);
                    }
                }
                Tensor single = Fill.random(ar, 84, 7, 5, c), y = ar.allocate(4, 3, c), ref = ar.allocate(4, 3, c);
                conv.forward(single, 2, 2, y);
                ReferenceKernels.depthwiseConv3x3(single, w, 2, 2, ref);
                Fill.assertClose("depthwise of one image", ref, y, RTOL);
                assertTrue(planRuns(e, "depthwise_conv3x3", "brdgmm_dw") || planRuns(e, "depthwise_conv3x3", "jit"),
                        e.describePlans().toString());
            }
        }
    }

    @Test
    void depthwiseConvWithTheWeightPassedPerCall() {
        try (TensorArena ar = new TensorArena()) {
            int c = 96;
            Tensor w = Fill.random(ar, 86, c, 1, 3, 3);
            Tensor dense = Fill.random(ar, 87, 2, 7, 6, c);
            Tensor heads = Fill.random(ar, 88, 2, 7, 6, 3, 2, c).select(3, 1).permute(0, 3, 1, 2, 4); // [2, 2, 7, 6, C]
            for (DnnlEngine e : List.of(one, two)) {
                for (int s : new int[] {1, 2, 4}) {
                    int ho = Pool3x3.outputSize(7, s), wo = Pool3x3.outputSize(6, s);
                    Tensor y = ar.allocate(2, ho, wo, c), ref = ar.allocate(2, ho, wo, c);
                    e.depthwiseConv3x3(dense, w, s, s, y);
                    ReferenceKernels.depthwiseConv3x3(dense, w, s, s, ref);
                    Fill.assertClose("per-call weight, stride " + s, ref, y, RTOL);
                    Tensor yh = ar.allocate(2, ho, wo, 2, c).permute(0, 3, 1, 2, 4);
                    Tensor refh = ar.allocate(2, 2, ho, wo, c);
                    e.depthwiseConv3x3(heads, w, s, s, yh);
                    ReferenceKernels.depthwiseConv3x3(heads, w, s, s, refh);
                    Fill.assertClose("per-call weight on head views, stride " + s, refh, yh, RTOL);
                }
                // New weight values at the same address are seen by the cached plan.
                Tensor w2 = ar.allocate(c, 1, 3, 3).copyFrom(w);
                Tensor y = ar.allocate(2, 7, 6, c), ref = ar.allocate(2, 7, 6, c);
                e.depthwiseConv3x3(dense, w2, 1, 1, y);
                for (long i = 0; i < w2.size(); i++) w2.setFlat(i, 0.5f - w2.getFlat(i));
                e.depthwiseConv3x3(dense, w2, 1, 1, y);
                ReferenceKernels.depthwiseConv3x3(dense, w2, 1, 1, ref);
                Fill.assertClose("per-call weight after it changed", ref, y, RTOL);
                // A strided weight view works too (copied into the convolution's layout like any other).
                Tensor wide = Fill.random(ar, 89, c, 2, 3, 3).slice(1, 1, 2);
                e.depthwiseConv3x3(dense, wide, 1, 1, y);
                ReferenceKernels.depthwiseConv3x3(dense, wide, 1, 1, ref);
                Fill.assertClose("per-call strided weight", ref, y, RTOL);
                assertTrue(e.describePlans().stream().anyMatch(p -> p.startsWith("depthwise_conv3x3: ")
                        && p.contains("brdgmm_dw") && p.contains("converted per call")), e.describePlans().toString());
                var bad = assertThrows(ShapeMismatchException.class,
                        () -> e.depthwiseConv3x3(dense, ar.allocate(c, 1, 5, 5), 1, 1, ar.allocate(2, 7, 6, c)));
                assertTrue(bad.getMessage().contains("[C, 1, 3, 3]"), bad.getMessage());
            }
        }
    }

    @Test
    void convStemForMastAndLapeGeometries() {
        try (TensorArena ar = new TensorArena()) {
            // {channels, kh, kw, sh, sw, ph, pw, batch, H, W}
            int[][] cases = {
                    {16, 7, 7, 4, 4, 3, 3, 2, 37, 29}, // MViTv2's stem
                    {12, 16, 16, 10, 10, 0, 0, 1, 53, 48}, // LAPE's patches
                    {5, 3, 5, 2, 3, 1, 2, 2, 9, 14}};
            for (int[] k : cases) {
                Tensor w = Fill.random(ar, 91, k[0], 1, k[1], k[2]), b = Fill.random(ar, 92, k[0]);
                Tensor image = Fill.random(ar, 93, k[7], k[8], k[9]);
                Tensor transposed = Fill.random(ar, 94, k[7], k[9], k[8]).transpose(1, 2);
                for (DnnlEngine e : List.of(one, two)) {
                    for (Tensor bias : new Tensor[] {b, null}) {
                        DnnlConvStem stem = e.convStem(w, bias, k[3], k[4], k[5], k[6]);
                        int ho = stem.outputHeight(k[8]), wo = stem.outputWidth(k[9]);
                        for (Tensor x : List.of(image, transposed)) {
                            // The transposed input writes into channels sliced out of wider tokens.
                            Tensor y = x == image ? ar.allocate(k[7], ho, wo, k[0])
                                    : ar.allocate(k[7], ho, wo, k[0] + 4).slice(3, 1, 1 + k[0]);
                            Tensor ref = ar.allocate(k[7], ho, wo, k[0]);
                            stem.forward(x, y);
                            ReferenceKernels.conv2dSingleChannel(x, w, bias, k[3], k[4], k[5], k[6], ref);
                            Fill.assertClose("stem " + k[1] + "x" + k[2] + "/" + k[3] + " of " + x, ref, y, RTOL);
                        }
                        stem.close();
                    }
                }
            }
            assertTrue(one.describePlans().stream().noneMatch(l -> l.startsWith("conv_stem")),
                    "closed layers leave no plans behind");
        }
    }
}
