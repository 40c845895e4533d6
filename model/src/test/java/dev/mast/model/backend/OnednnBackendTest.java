package dev.mast.model.backend;

import dev.mast.engine.kernel.Epilogue;
import dev.mast.engine.kernel.Pool3x3;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import dev.mast.nativelib.NativeUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every oneDNN operator of {@link OnednnBackend} against the Java backend on the views the layers really pass
 * (built here exactly as {@code PoolingAttention}, {@code ScaledDotProductAttention}, {@code Mlp}, {@code VitBlock}
 * and the models build them): strided per-head slices of a fused qkv, permuted outputs, transposed spectrograms,
 * accumulation into residuals, row chunks. Shapes are MAST-tiny's (head dim 96) at small grids, plus odd sizes.
 * Both backends run on two threads; operators small enough to run on one thread are covered too.
 */
class OnednnBackendTest {
    /** Relative tolerance: float32 results of different summation orders. */
    private static final double RTOL = 2e-5;

    private static OnednnBackend dnnl;
    private static JavaBackend java;

    @BeforeAll
    static void open() {
        try {
            dnnl = new OnednnBackend(2);
        } catch (NativeUnavailableException e) {
            assumeTrue(false, e.getMessage());
        }
        java = new JavaBackend(2);
    }

    @AfterAll
    static void close() {
        if (dnnl != null) dnnl.close();
        if (java != null) java.close();
    }

    @Test
    void nameAndVersion() {
        assertEquals("onednn", dnnl.name());
        assertTrue(dnnl.version().startsWith("3."), dnnl.version());
        assertEquals(2, dnnl.pool().threads());
    }

    @Test
    void linearOnActivationsResidualsAndRowChunks() {
        try (TensorArena ar = new TensorArena()) {
            int batch = 2, tokens = 37, in = 96, out = 288;
            Tensor w = random(ar, 1, out, in), b = random(ar, 2, out);
            try (LinearOp d = dnnl.linear(w, b); LinearOp j = java.linear(w, b)) {
                assertEquals(in, d.inFeatures());
                assertEquals(out, d.outFeatures());
                Tensor x = random(ar, 3, batch, tokens, in);
                for (Epilogue e : Epilogue.values()) {
                    Tensor yd = random(ar, 4, batch, tokens, out), yj = ar.allocate(batch, tokens, out).copyFrom(yd);
                    d.forward(x, yd, e);
                    j.forward(x, yj, e);
                    assertClose("linear " + e, yj, yd);
                }
                // Mlp's row chunks: slices of contiguous [rows, features] tensors.
                Tensor rows = x.reshape(batch * tokens, in);
                Tensor yd = ar.allocate(batch * tokens, out), yj = ar.allocate(batch * tokens, out);
                d.forward(rows.slice(0, 10, 50), yd.slice(0, 10, 50), Epilogue.GELU);
                j.forward(rows.slice(0, 10, 50), yj.slice(0, 10, 50), Epilogue.GELU);
                assertClose("linear on a row chunk", yj, yd);
            }
            // Without bias (MAST's qkv when qkv_bias is off), a single row (the classifier head).
            Tensor w2 = random(ar, 5, 35, 768);
            try (LinearOp d = dnnl.linear(w2, null); LinearOp j = java.linear(w2, null)) {
                Tensor x = random(ar, 6, 1, 768), yd = ar.allocate(1, 35), yj = ar.allocate(1, 35);
                d.forward(x, yd, Epilogue.NONE);
                j.forward(x, yj, Epilogue.NONE);
                assertClose("linear without bias, one row", yj, yd);
            }
        }
    }

    @Test
    void stemOnTheTransposedSpectrogram() {
        try (TensorArena ar = new TensorArena(); Workspace ws = new Workspace()) {
            // MAST: 7x7/4/3 (MViTv2) and 16x16/10/0 (LAPE); the model passes input [B, T, F] transposed to [B, F, T].
            int[][] geometries = {{7, 4, 3}, {16, 10, 0}};
            for (int[] g : geometries) {
                Tensor w = random(ar, 7, 96, 1, g[0], g[0]), b = random(ar, 8, 96);
                try (StemOp d = dnnl.stem(w, b, g[1], g[1], g[2], g[2]);
                     StemOp j = java.stem(w, b, g[1], g[1], g[2], g[2])) {
                    Tensor input = random(ar, 9, 2, 53, 128), image = input.transpose(1, 2);
                    int ho = j.outputHeight(128), wo = j.outputWidth(53);
                    assertEquals(ho, d.outputHeight(128));
                    assertEquals(wo, d.outputWidth(53));
                    assertEquals(96, d.channels());
                    Tensor yd = ar.allocate(2, ho, wo, 96), yj = ar.allocate(2, ho, wo, 96);
                    d.forward(image, yd, ws);
                    j.forward(image, yj, ws);
                    assertClose("stem " + g[0] + "x" + g[0], yj, yd);
                }
            }
        }
    }

    /**
     * PoolingAttention: Q, K, V pooled out of the qkv output [B, H, W, 3, heads, hd], then Q·Kᵀ, softmax, P·V; for
     * one clip (whose size-1 batch dimension once confused oneDNN's batched matmul) and for two.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void poolingAttentionViews(int batch) {
        try (TensorArena ar = new TensorArena()) {
            int h = 12, w = 13, heads = 2, hd = 96, a = heads * hd;
            Tensor qkv = random(ar, 10, batch, h * w, 3 * a);
            Tensor parts = qkv.reshape(batch, h, w, 3, heads, hd);
            Tensor weight = random(ar, 11, hd, 1, 3, 3);
            Tensor[] pooled = new Tensor[3];
            int[][] strides = {{1, 1}, {4, 4}, {4, 4}}; // stage 0: Q unpooled, K and V pooled by 4
            for (int which = 0; which < 3; which++) {
                int sh = strides[which][0], sw = strides[which][1];
                int ho = Pool3x3.outputSize(h, sh), wo = Pool3x3.outputSize(w, sw);
                Tensor x = parts.select(3, which).permute(0, 3, 1, 2, 4); // [B, heads, H, W, hd]
                Tensor yd = ar.allocate(batch, ho, wo, heads, hd), yj = ar.allocate(batch, ho, wo, heads, hd);
                dnnl.depthwiseConv3x3(x, weight, sh, sw, yd.permute(0, 3, 1, 2, 4));
                java.depthwiseConv3x3(x, weight, sh, sw, yj.permute(0, 3, 1, 2, 4));
                assertClose("depthwise conv, part " + which + ", stride " + sh, yj, yd);
                // norm_q|k|v over hd, in place on the pooled tensor.
                Tensor gamma = random(ar, 12 + which, hd), beta = random(ar, 15 + which, hd);
                dnnl.layerNorm(yd, gamma, beta, 1e-6f, yd);
                java.layerNorm(yj, gamma, beta, 1e-6f, yj);
                assertClose("layer norm in place, part " + which, yj, yd);
                pooled[which] = yj.reshape(batch, ho * wo, heads, hd);
            }
            Tensor qh = pooled[0].permute(0, 2, 1, 3), kh = pooled[1].permute(0, 2, 1, 3);
            int nq = qh.dim(2), nk = kh.dim(2);
            Tensor sd = ar.allocate(batch, heads, nq, nk), sj = ar.allocate(batch, heads, nq, nk);
            float scale = (float) Math.pow(hd, -0.5);
            dnnl.matmul(qh, kh.transpose(-2, -1), sd, scale, false);
            java.matmul(qh, kh.transpose(-2, -1), sj, scale, false);
            assertClose("Q·Kᵀ on per-head views", sj, sd);
            sd.copyFrom(sj);
            for (int b = 0; b < batch; b++) { // in place on batch chunks, as the attention runs it
                dnnl.softmax(sd.slice(0, b, b + 1), sd.slice(0, b, b + 1));
                java.softmax(sj.slice(0, b, b + 1), sj.slice(0, b, b + 1));
            }
            assertClose("softmax", sj, sd);
            // Residual pooling: z holds q, then z += P·V written through the [B, heads, Nq, hd] permuted view.
            Tensor vh = pooled[2].permute(0, 2, 1, 3);
            Tensor zd = ar.allocate(batch, nq, heads, hd).copyFrom(pooled[0]);
            Tensor zj = ar.allocate(batch, nq, heads, hd).copyFrom(pooled[0]);
            dnnl.matmul(sj, vh, zd.permute(0, 2, 1, 3), 1f, true);
            java.matmul(sj, vh, zj.permute(0, 2, 1, 3), 1f, true);
            assertClose("P·V accumulated into the token-major output", zj, zd);
        }
    }

    /** AST's attention (VitBlock): q, k, v straight out of qkv [B, N, 3, heads, hd], no pooling. */
    @Test
    void depthwiseConvOnEveryPoolingStride() {
        try (TensorArena ar = new TensorArena()) {
            int batch = 1, h = 12, w = 101, heads = 4, hd = 96;
            Tensor parts = random(ar, 17, batch, h, w, 3, heads, hd);
            Tensor weight = random(ar, 18, hd, 1, 3, 3);
            for (int s : new int[] {1, 2, 4}) {
                int ho = Pool3x3.outputSize(h, s), wo = Pool3x3.outputSize(w, s);
                Tensor x = parts.select(3, 1).permute(0, 3, 1, 2, 4);
                Tensor yd = ar.allocate(batch, ho, wo, heads, hd), yj = ar.allocate(batch, ho, wo, heads, hd);
                dnnl.depthwiseConv3x3(x, weight, s, s, yd.permute(0, 3, 1, 2, 4));
                java.depthwiseConv3x3(x, weight, s, s, yj.permute(0, 3, 1, 2, 4));
                assertClose("depthwise conv stride " + s, yj, yd);
            }
            // The weight is read at every call: new values are seen (training updates parameters in place).
            Tensor x = random(ar, 19, 1, 5, 6, hd), yd = ar.allocate(1, 5, 6, hd), yj = ar.allocate(1, 5, 6, hd);
            dnnl.depthwiseConv3x3(x, weight, 1, 1, yd);
            for (long i = 0; i < weight.size(); i++) weight.setFlat(i, -2 * weight.getFlat(i));
            dnnl.depthwiseConv3x3(x, weight, 1, 1, yd);
            java.depthwiseConv3x3(x, weight, 1, 1, yj);
            assertClose("depthwise conv after the weight changed", yj, yd);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void vitAttentionViews(int batch) {
        try (TensorArena ar = new TensorArena()) {
            int n = 27, heads = 3, hd = 64;
            Tensor parts = random(ar, 20, batch, n, 3, heads, hd);
            Tensor q = parts.select(2, 0).permute(0, 2, 1, 3), k = parts.select(2, 1).permute(0, 2, 1, 3);
            Tensor v = parts.select(2, 2).permute(0, 2, 1, 3);
            Tensor s = ar.allocate(batch, heads, n, n), sj = ar.allocate(batch, heads, n, n);
            dnnl.matmul(q, k.transpose(-2, -1), s, 0.125f, false);
            java.matmul(q, k.transpose(-2, -1), sj, 0.125f, false);
            assertClose("AST Q·Kᵀ", sj, s);
            Tensor zd = ar.allocate(batch, n, heads, hd), zj = ar.allocate(batch, n, heads, hd);
            dnnl.matmul(sj, v, zd.permute(0, 2, 1, 3), 1f, false);
            java.matmul(sj, v, zj.permute(0, 2, 1, 3), 1f, false);
            assertClose("AST P·V", zj, zd);
            // The final norm on the two special tokens, and layer norm of activations into a new tensor.
            Tensor x = random(ar, 21, batch, n, 192), gamma = random(ar, 22, 192), beta = random(ar, 23, 192);
            Tensor yd = ar.allocate(batch, 2, 192), yj = ar.allocate(batch, 2, 192);
            dnnl.layerNorm(x.slice(1, 0, 2), gamma, beta, 1e-6f, yd);
            java.layerNorm(x.slice(1, 0, 2), gamma, beta, 1e-6f, yj);
            assertClose("layer norm of a token slice", yj, yd);
        }
    }

    @Test
    void javaKernelOperatorsStayJava() {
        try (TensorArena ar = new TensorArena()) {
            Tensor x = random(ar, 30, 2, 12, 13, 192), yd = ar.allocate(2, 6, 7, 192), yj = ar.allocate(2, 6, 7, 192);
            dnnl.maxPool3x3(x, 2, 2, yd);
            java.maxPool3x3(x, 2, 2, yj);
            assertArrayEquals(yj.toArray(), yd.toArray(), "max-pool is the same Java kernel");
            Tensor t = random(ar, 31, 2, 9, 768), md = ar.allocate(2, 768), mj = ar.allocate(2, 768);
            dnnl.meanTokens(t, md);
            java.meanTokens(t, mj);
            assertArrayEquals(mj.toArray(), md.toArray());
            Tensor a = random(ar, 32, 5, 7), b = random(ar, 33, 5, 7), sd = ar.allocate(5, 7), sj = ar.allocate(5, 7);
            dnnl.add(a, b, sd);
            java.add(a, b, sj);
            assertArrayEquals(sj.toArray(), sd.toArray());
        }
    }

    @Test
    void smallAndLargeOperatorsRunOnTheirLanes() {
        try (TensorArena ar = new TensorArena()) {
            Tensor big = random(ar, 40, 64, 1024), small = random(ar, 41, 2, 8);
            Tensor g1 = random(ar, 42, 1024), b1 = random(ar, 43, 1024), g2 = random(ar, 44, 8), b2 = random(ar, 45, 8);
            Tensor yd = ar.allocate(64, 1024), yj = ar.allocate(64, 1024);
            dnnl.layerNorm(big, g1, b1, 1e-6f, yd);
            java.layerNorm(big, g1, b1, 1e-6f, yj);
            assertClose("layer norm on the primary's two threads", yj, yd);
            Tensor zd = ar.allocate(2, 8), zj = ar.allocate(2, 8);
            dnnl.layerNorm(small, g2, b2, 1e-6f, zd);
            java.layerNorm(small, g2, b2, 1e-6f, zj);
            assertClose("layer norm on a single-thread lane", zj, zd);
            List<String> plans = dnnl.describePlans();
            assertTrue(plans.stream().anyMatch(p -> p.startsWith("lane 0: layer_norm")), plans.toString());
            assertTrue(plans.stream().anyMatch(p -> !p.startsWith("lane 0:") && p.contains("layer_norm")),
                    plans.toString());
        }
    }

    @Test
    void heapTensorsAreRefusedClearly() {
        Tensor x = Tensor.of(new float[6], 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dnnl.softmax(x, x));
        assertTrue(e.getMessage().contains("native memory"), e.getMessage());
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    static Tensor random(TensorArena arena, long seed, int... shape) {
        Tensor t = arena.allocate(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0, n = t.size(); i < n; i++) t.setFlat(i, (float) (2 * r.nextDouble() - 1));
        return t;
    }

    /** |actual - expected| <= RTOL · max(|expected|, rms(expected)) element by element. */
    static void assertClose(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shapes");
        float[] e = expected.toArray(), a = actual.toArray();
        double ss = 0;
        for (float v : e) ss += (double) v * v;
        double rms = Math.sqrt(ss / Math.max(1, e.length));
        for (int i = 0; i < e.length; i++) {
            double bound = RTOL * Math.max(Math.abs(e[i]), rms);
            if (!(Math.abs(a[i] - e[i]) <= bound)) {
                fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (bound " + bound + ")");
            }
        }
    }
}
