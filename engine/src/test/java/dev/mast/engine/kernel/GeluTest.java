package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class GeluTest extends TwoPoolTest {
    /** Every 1009th float in [-16, 16] (both signs), with specials, through forwardRun in one span. */
    private static float[] sweep() {
        int count = 0;
        for (int bits = 0; Float.intBitsToFloat(bits) <= 16f; bits += 1009) count++;
        float[] xs = new float[2 * count];
        int k = 0;
        for (int bits = 0; Float.intBitsToFloat(bits) <= 16f; bits += 1009) {
            xs[k++] = Float.intBitsToFloat(bits);
            xs[k++] = -Float.intBitsToFloat(bits);
        }
        return xs;
    }

    @Test
    void forwardIsAccurateToFloat32() {
        float[] xs = sweep();
        float[] ys = xs.clone();
        Gelu.forwardRun(MemorySegment.ofArray(ys), 0, ys.length);
        double maxSmall = 0, maxUlps = 0, maxRelNegative = 0;
        for (int i = 0; i < xs.length; i++) {
            double x = xs[i], ref = ReferenceKernels.gelu(x), err = Math.abs(ys[i] - ref);
            if (Math.abs(x) <= 2) maxSmall = Math.max(maxSmall, err);
            else if (x > 0) maxUlps = Math.max(maxUlps, err / Math.ulp((float) x));
            else if (Math.abs(ref) > 1e-30) maxRelNegative = Math.max(maxRelNegative, err / Math.abs(ref));
        }
        // The accuracy Gelu documents (the float32 rounding of the result alone is half an ulp).
        assertTrue(maxSmall <= 1.1e-7, "max abs error for |x| <= 2: " + maxSmall);
        assertTrue(maxUlps <= 0.6, "max error for x > 2 in ulps of x: " + maxUlps);
        assertTrue(maxRelNegative <= 4e-7, "max relative error for x < -2: " + maxRelNegative);
    }

    @Test
    void specialValues() {
        float[] xs = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 20f, -20f, 1e-30f,
                -1e-30f, Float.MIN_VALUE, 3e38f};
        float[] ys = xs.clone();
        Gelu.forwardRun(MemorySegment.ofArray(ys), 0, ys.length);
        assertEquals(0f, ys[0]);
        assertEquals(0f, Math.abs(ys[1]));
        assertEquals(Float.POSITIVE_INFINITY, ys[2]);
        assertTrue(Float.isNaN(ys[3]), "gelu(-inf) = -inf·0 is NaN, as in PyTorch");
        assertTrue(Float.isNaN(ys[4]));
        assertEquals(20f, ys[5]);
        assertEquals(0f, Math.abs(ys[6]));
        assertEquals(5e-31f, ys[7], 1e-37f);
        assertEquals(-5e-31f, ys[8], 1e-37f);
        assertEquals(0f, ys[9], Float.MIN_VALUE);
        assertEquals(3e38f, ys[10]);
    }

    @Test
    void forwardMatchesReferenceOnLayoutsAndThreads() {
        Random rng = new Random(1);
        for (int[] shape : new int[][] {{1}, {7}, {17}, {129}, {3, 7, 17}, {2, 5, 33}, {4, 129}}) {
            float[] values = Layouts.gaussian(rng, Layouts.size(shape), 3);
            float[] expected = new float[values.length];
            for (int i = 0; i < values.length; i++) expected[i] = ReferenceKernels.gelu(values[i]);
            float[] first = null;
            for (Layouts layout : Layouts.values()) {
                for (EnginePool pool : new EnginePool[] {one, two}) {
                    try (TensorArena arena = new TensorArena()) {
                        Tensor x = layout.of(arena, values, shape);
                        Tensor y = Layouts.values()[(layout.ordinal() + 1) % 4].view(arena, shape);
                        Gelu.forward(pool, x, y);
                        float[] got = y.toArray();
                        Close.assertClose("gelu " + layout, expected, got, 7e-8, 1.1e-7);
                        Layouts.assertGuardsIntact(y);
                        Layouts.assertGuardsIntact(x);
                        if (first == null) first = got;
                        assertArrayEquals(first, got, "same bits for every layout and thread count");
                    }
                }
            }
        }
    }

    @Test
    void forwardRunTouchesOnlyItsSpan() {
        Random rng = new Random(2);
        float[] values = Layouts.gaussian(rng, 64, 2);
        for (int start = 0; start < 5; start++) {
            for (int n : new int[] {0, 1, 7, 15, 16, 17, 33, 50}) {
                float[] buf = values.clone();
                Gelu.forwardRun(MemorySegment.ofArray(buf), (long) start * Float.BYTES, n);
                for (int i = 0; i < buf.length; i++) {
                    float expected = i >= start && i < start + n ? ReferenceKernels.gelu(values[i]) : values[i];
                    assertEquals(expected, buf[i], 1.1e-7 + 7e-8 * Math.abs(expected), "start " + start + " n " + n
                            + " i " + i);
                }
            }
        }
    }

    @Test
    void inPlaceForwardAndBackward() {
        Random rng = new Random(3);
        float[] xv = Layouts.gaussian(rng, 3 * 41, 2), dyv = Layouts.gaussian(rng, 3 * 41, 1);
        try (TensorArena arena = new TensorArena()) {
            Tensor x = arena.copyOf(xv, 3, 41), y = arena.allocate(3, 41);
            Gelu.forward(two, x, y);
            Gelu.forward(two, x, x);
            assertArrayEquals(y.toArray(), x.toArray());
            Tensor x2 = arena.copyOf(xv, 3, 41), dy = arena.copyOf(dyv, 3, 41), dx = arena.allocate(3, 41);
            Gelu.backward(two, x2, dy, dx);
            Gelu.backward(two, x2, dy, dy);
            assertArrayEquals(dx.toArray(), dy.toArray());
        }
    }

    @Test
    void backwardMatchesReferenceOnLayoutsAndThreads() {
        Random rng = new Random(4);
        for (int[] shape : new int[][] {{1}, {7}, {17}, {129}, {3, 7, 17}, {4, 129}}) {
            int n = Layouts.size(shape);
            float[] xv = Layouts.gaussian(rng, n, 3), dyv = Layouts.gaussian(rng, n, 1);
            float[] expected = null, first = null;
            for (Layouts layout : Layouts.values()) {
                for (EnginePool pool : new EnginePool[] {one, two}) {
                    try (TensorArena arena = new TensorArena()) {
                        Tensor x = layout.of(arena, xv, shape), dy = Layouts.ROW_PADDED.of(arena, dyv, shape);
                        Tensor dx = Layouts.values()[(layout.ordinal() + 2) % 4].view(arena, shape);
                        if (expected == null) {
                            Tensor ref = arena.allocate(shape);
                            ReferenceKernels.geluBackward(x, dy, ref);
                            expected = ref.toArray();
                        }
                        Gelu.backward(pool, x, dy, dx);
                        float[] got = dx.toArray();
                        Close.assertClose("gelu backward " + layout, expected, got, 1e-6, 1e-7);
                        Layouts.assertGuardsIntact(dx);
                        if (first == null) first = got;
                        assertArrayEquals(first, got);
                    }
                }
            }
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rng = new Random(5);
        float[] xv = Layouts.gaussian(rng, 40, 2.5), dyv = Layouts.gaussian(rng, 40, 1);
        xv[0] = 0f;
        xv[1] = -6f;
        xv[2] = 6f;
        double[] numeric = FiniteDifference.gradient(v -> {
            double[] y = new double[v.length];
            for (int i = 0; i < v.length; i++) y[i] = ReferenceKernels.gelu(v[i]);
            return y;
        }, FiniteDifference.toDouble(xv), FiniteDifference.toDouble(dyv), 1e-4);
        try (TensorArena arena = new TensorArena()) {
            Tensor dx = arena.allocate(40);
            Gelu.backward(two, arena.copyOf(xv, 40), arena.copyOf(dyv, 40), dx);
            FiniteDifference.assertMatches("gelu dx", numeric, dx.toArray(), 1e-6);
        }
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        try (TensorArena arena = new TensorArena()) {
            var e = assertThrows(ShapeMismatchException.class,
                    () -> Gelu.forward(one, arena.allocate(2, 3), arena.allocate(3, 2)));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 2]"), e.getMessage());
            e = assertThrows(ShapeMismatchException.class,
                    () -> Gelu.backward(one, arena.allocate(2, 3), arena.allocate(2, 4), arena.allocate(2, 3)));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
        }
    }
}
