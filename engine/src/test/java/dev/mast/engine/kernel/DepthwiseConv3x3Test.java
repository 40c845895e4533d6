package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class DepthwiseConv3x3Test extends TwoPoolTest {
    private static final WindowCase[] CASES = {
            new WindowCase(1, 1, 1, 1, 1, 1), new WindowCase(1, 1, 1, 7, 2, 2), new WindowCase(2, 7, 5, 7, 1, 1),
            new WindowCase(3, 12, 9, 17, 2, 2), new WindowCase(2, 12, 13, 32, 4, 4),
            new WindowCase(1, 6, 11, 33, 1, 3), new WindowCase(2, 5, 4, 16, 3, 1), new WindowCase(1, 12, 26, 96, 2, 1),
            new WindowCase(2, 2, 1, 72, 1, 2), new WindowCase(1, 3, 3, 129, 2, 2),
    };

    /** The convolution in double precision, written from the formula (the finite-difference reference). */
    static double[] conv64(double[] x, double[] w, int images, int h, int wd, int c, int sh, int sw) {
        int ho = Pool3x3.outputSize(h, sh), wo = Pool3x3.outputSize(wd, sw);
        double[] y = new double[images * ho * wo * c];
        for (int b = 0; b < images; b++) {
            for (int i = 0; i < ho; i++) {
                for (int j = 0; j < wo; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        double s = 0;
                        for (int a = 0; a < 3; a++) {
                            for (int e = 0; e < 3; e++) {
                                int r = i * sh - 1 + a, q = j * sw - 1 + e;
                                if (r >= 0 && r < h && q >= 0 && q < wd) {
                                    s += x[((b * h + r) * wd + q) * c + ch] * w[ch * 9 + a * 3 + e];
                                }
                            }
                        }
                        y[((b * ho + i) * wo + j) * c + ch] = s;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void forwardMatchesReferenceOnLayoutsAndThreads() {
        Random rng = new Random(51);
        for (WindowCase cs : CASES) {
            int[] xs = cs.xShape(), ys = cs.yShape();
            float[] xv = Layouts.gaussian(rng, Layouts.size(xs), 1), wv = Layouts.gaussian(rng, cs.c() * 9, 0.5);
            float[] expected, first = null;
            try (TensorArena arena = new TensorArena()) {
                Tensor y = arena.allocate(ys);
                ReferenceKernels.depthwiseConv3x3(arena.copyOf(xv, xs), arena.copyOf(wv, cs.c(), 1, 3, 3), cs.strideH(), cs.strideW(),
                        y);
                expected = y.toArray();
            }
            for (Layouts layout : Layouts.values()) {
                for (EnginePool pool : new EnginePool[] {one, two}) {
                    try (TensorArena arena = new TensorArena()) {
                        Tensor x = layout.of(arena, xv, xs);
                        Tensor w = Layouts.values()[(layout.ordinal() + 3) % 4].of(arena, wv, cs.c(), 1, 3, 3);
                        Tensor y = Layouts.values()[(layout.ordinal() + 1) % 4].view(arena, ys);
                        DepthwiseConv3x3.forward(pool, x, w, cs.strideH(), cs.strideW(), y);
                        String what = "conv " + cs + " " + layout;
                        Close.assertClose(what, expected, y.toArray(), 1e-5, 1e-6);
                        Layouts.assertGuardsIntact(y);
                        if (first == null) first = y.toArray();
                        assertArrayEquals(first, y.toArray(), "same bits for every layout and thread count");
                    }
                }
            }
        }
    }

    @Test
    void readsHeadsStraightFromTheQkvProjection() {
        // Attention pools Q, K and V as [B, heads, H, W, hd] views of the projection output [B, H, W, 3, heads, hd].
        Random rng = new Random(52);
        int b = 2, h = 5, w = 7, heads = 3, hd = 32;
        float[] qkv = Layouts.gaussian(rng, b * h * w * 3 * heads * hd, 1), wv = Layouts.gaussian(rng, hd * 9, 0.5);
        try (TensorArena arena = new TensorArena()) {
            Tensor all = arena.copyOf(qkv, b, h, w, 3, heads, hd);
            Tensor weight = arena.copyOf(wv, hd, 1, 3, 3);
            for (int part = 0; part < 3; part++) {
                Tensor x = all.select(3, part).permute(0, 3, 1, 2, 4);
                Tensor y = arena.allocate(b, heads, 3, 4, hd), ref = arena.allocate(b, heads, 3, 4, hd);
                DepthwiseConv3x3.forward(two, x, weight, 2, 2, y);
                ReferenceKernels.depthwiseConv3x3(arena.allocate(x.shape()).copyFrom(x), weight, 2, 2, ref);
                Close.assertClose("qkv part " + part, ref.toArray(), y.toArray(), 1e-5, 1e-6);
            }
        }
    }

    @Test
    void backwardMatchesReferenceAndAccumulates() {
        Random rng = new Random(53);
        for (WindowCase cs : CASES) {
            int[] xs = cs.xShape(), ys = cs.yShape();
            int c = cs.c();
            float[] xv = Layouts.gaussian(rng, Layouts.size(xs), 1), wv = Layouts.gaussian(rng, c * 9, 0.5);
            float[] dyv = Layouts.gaussian(rng, Layouts.size(ys), 1), start = Layouts.gaussian(rng, c * 9, 1);
            float[] expectedDx, expectedDw, first = null;
            try (TensorArena arena = new TensorArena()) {
                Tensor dx = arena.allocate(xs), dw = arena.copyOf(start, c, 1, 3, 3);
                ReferenceKernels.depthwiseConv3x3Backward(arena.copyOf(xv, xs), arena.copyOf(wv, c, 1, 3, 3),
                        arena.copyOf(dyv, ys), cs.strideH(), cs.strideW(), dx, dw);
                expectedDx = dx.toArray();
                expectedDw = dw.toArray();
            }
            for (Layouts layout : Layouts.values()) {
                for (EnginePool pool : new EnginePool[] {one, two}) {
                    try (TensorArena arena = new TensorArena()) {
                        Tensor x = layout.of(arena, xv, xs), w = arena.copyOf(wv, c, 1, 3, 3);
                        Tensor dy = Layouts.values()[(layout.ordinal() + 1) % 4].of(arena, dyv, ys);
                        Tensor dx = Layouts.values()[(layout.ordinal() + 2) % 4].view(arena, xs);
                        Tensor dw = Layouts.values()[(layout.ordinal() + 3) % 4].of(arena, start, c, 1, 3, 3);
                        DepthwiseConv3x3.backward(pool, x, w, dy, cs.strideH(), cs.strideW(), dx, dw);
                        String what = "conv backward " + cs + " " + layout;
                        Close.assertClose(what + " dx", expectedDx, dx.toArray(), 1e-5, 1e-6);
                        Close.assertClose(what + " dw", expectedDw, dw.toArray(), 1e-5, 1e-5);
                        Layouts.assertGuardsIntact(dx);
                        Layouts.assertGuardsIntact(dw);
                        float[] all = LayerNormTest.concat(dx.toArray(), dw.toArray());
                        if (first == null) first = all;
                        assertArrayEquals(first, all, "same bits for every layout and thread count");
                    }
                }
            }
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rng = new Random(54);
        for (WindowCase cs : new WindowCase[] {new WindowCase(2, 5, 4, 3, 1, 1), new WindowCase(1, 6, 5, 2, 2, 2),
                new WindowCase(1, 7, 4, 3, 3, 2)}) {
            int images = cs.images(), h = cs.h(), wd = cs.w(), c = cs.c(), sh = cs.strideH(), sw = cs.strideW();
            int[] xs = cs.xShape(), ys = cs.yShape();
            float[] xv = Layouts.gaussian(rng, Layouts.size(xs), 1), wv = Layouts.gaussian(rng, c * 9, 0.5);
            float[] dyv = Layouts.gaussian(rng, Layouts.size(ys), 1);
            double[] x64 = FiniteDifference.toDouble(xv), w64 = FiniteDifference.toDouble(wv);
            double[] dy64 = FiniteDifference.toDouble(dyv);
            double[] numDx = FiniteDifference.gradient(v -> conv64(v, w64, images, h, wd, c, sh, sw), x64, dy64, 1e-4);
            double[] numDw = FiniteDifference.gradient(v -> conv64(x64, v, images, h, wd, c, sh, sw), w64, dy64, 1e-4);
            try (TensorArena arena = new TensorArena()) {
                Tensor dx = arena.allocate(xs), dw = arena.allocate(c, 1, 3, 3);
                DepthwiseConv3x3.backward(two, arena.copyOf(xv, xs), arena.copyOf(wv, c, 1, 3, 3),
                        arena.copyOf(dyv, ys), sh, sw, dx, dw);
                FiniteDifference.assertMatches("conv dx " + cs, numDx, dx.toArray(), 1e-6);
                FiniteDifference.assertMatches("conv dw " + cs, numDw, dw.toArray(), 1e-6);
            }
        }
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        try (TensorArena arena = new TensorArena()) {
            var e = assertThrows(ShapeMismatchException.class, () -> DepthwiseConv3x3.forward(one,
                    arena.allocate(2, 7, 5, 8), arena.allocate(8, 1, 3, 3), 2, 2, arena.allocate(2, 3, 3, 8)));
            assertTrue(e.getMessage().contains("[2, 7, 5, 8]") && e.getMessage().contains("[2, 3, 3, 8]"),
                    e.getMessage());
            e = assertThrows(ShapeMismatchException.class, () -> DepthwiseConv3x3.forward(one,
                    arena.allocate(2, 7, 5, 8), arena.allocate(4, 1, 3, 3), 1, 1, arena.allocate(2, 7, 5, 8)));
            assertTrue(e.getMessage().contains("[4, 1, 3, 3]") && e.getMessage().contains("[2, 7, 5, 8]"),
                    e.getMessage());
            e = assertThrows(ShapeMismatchException.class, () -> DepthwiseConv3x3.backward(one,
                    arena.allocate(2, 7, 5, 8), arena.allocate(8, 1, 3, 3), arena.allocate(2, 4, 3, 8), 2, 2,
                    arena.allocate(2, 7, 7, 8), arena.allocate(8, 1, 3, 3)));
            assertTrue(e.getMessage().contains("[2, 7, 7, 8]") && e.getMessage().contains("[2, 4, 3, 8]"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> DepthwiseConv3x3.forward(one,
                    arena.allocate(1, 3, 3, 8), arena.allocate(8, 1, 3, 3), 0, 1, arena.allocate(1, 3, 3, 8)));
        }
    }
}
