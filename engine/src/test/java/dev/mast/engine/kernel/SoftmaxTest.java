package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class SoftmaxTest extends TwoPoolTest {
    private static final int[][] SHAPES = {{1}, {7}, {3, 17}, {2, 4, 9}, {5, 129}, {2, 2, 36, 36}, {3, 78}};

    /** Softmax in double precision, written from the formula (the finite-difference reference). */
    static double[] softmax64(double[] x, int n) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / n; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < n; j++) max = Math.max(max, x[r * n + j]);
            for (int j = 0; j < n; j++) sum += Math.exp(x[r * n + j] - max);
            for (int j = 0; j < n; j++) y[r * n + j] = Math.exp(x[r * n + j] - max) / sum;
        }
        return y;
    }

    @Test
    void forwardMatchesReferenceOnLayoutsAndThreads() {
        Random rng = new Random(21);
        for (int[] shape : SHAPES) {
            int n = Layouts.size(shape);
            float[] xv = Layouts.gaussian(rng, n, 4);
            for (int i = 0; i < n; i += 5) xv[i] += 50; // large scores: the max subtraction matters
            float[] expected, first = null;
            try (TensorArena arena = new TensorArena()) {
                Tensor y = arena.allocate(shape);
                ReferenceKernels.softmax(arena.copyOf(xv, shape), y);
                expected = y.toArray();
            }
            for (Layouts layout : Layouts.values()) {
                for (EnginePool pool : new EnginePool[] {one, two}) {
                    try (TensorArena arena = new TensorArena()) {
                        Tensor x = layout.of(arena, xv, shape);
                        Tensor y = Layouts.values()[(layout.ordinal() + 1) % 4].view(arena, shape);
                        Softmax.forward(pool, x, y);
                        String what = "softmax " + Arrays.toString(shape) + " " + layout;
                        Close.assertClose(what, expected, y.toArray(), 1e-6, 1e-9);
                        Layouts.assertGuardsIntact(y);
                        if (first == null) first = y.toArray();
                        assertArrayEquals(first, y.toArray(), "same bits for every layout and thread count");
                    }
                }
            }
        }
    }

    @Test
    void maskedAndExtremeScores() {
        float inf = Float.POSITIVE_INFINITY;
        float[] xv = {-inf, 0f, -inf, 1f, -200f, 88f, -inf, 3f, 2f, 1f, 0f, -1f, -2f, -3f, -4f, -5f, -6f, -90f};
        try (TensorArena arena = new TensorArena()) {
            Tensor x = arena.copyOf(xv, 1, xv.length), y = arena.allocate(1, xv.length),
                    ref = arena.allocate(1, xv.length);
            Softmax.forward(two, x, y);
            ReferenceKernels.softmax(x, ref);
            float[] got = y.toArray();
            assertEquals(0f, got[0], "-inf gives exactly 0");
            assertEquals(0f, got[4], "far below the maximum gives exactly 0");
            Close.assertClose("extreme", ref.toArray(), got, 1e-6, 1e-12);
            double sum = 0;
            for (float v : got) sum += v;
            assertEquals(1.0, sum, 1e-6);
            Tensor nan = arena.copyOf(new float[] {1f, Float.NaN, 2f}, 3), out = arena.allocate(3);
            Softmax.forward(one, nan, out);
            for (float v : out.toArray()) assertTrue(Float.isNaN(v), "a NaN score poisons its row, as in PyTorch");
        }
    }

    @Test
    void inPlace() {
        Random rng = new Random(22);
        float[] xv = Layouts.gaussian(rng, 4 * 33, 3), dyv = Layouts.gaussian(rng, 4 * 33, 1);
        try (TensorArena arena = new TensorArena()) {
            Tensor x = arena.copyOf(xv, 4, 33), y = arena.allocate(4, 33);
            Softmax.forward(two, x, y);
            Softmax.forward(two, x, x);
            assertArrayEquals(y.toArray(), x.toArray());
            Tensor dy = arena.copyOf(dyv, 4, 33), dx = arena.allocate(4, 33);
            Softmax.backward(two, y, dy, dx);
            Softmax.backward(two, y, dy, dy);
            assertArrayEquals(dx.toArray(), dy.toArray());
        }
    }

    @Test
    void backwardMatchesReferenceOnLayoutsAndThreads() {
        Random rng = new Random(23);
        for (int[] shape : SHAPES) {
            int n = Layouts.size(shape);
            float[] xv = Layouts.gaussian(rng, n, 2), dyv = Layouts.gaussian(rng, n, 1);
            float[] yv, expected, first = null;
            try (TensorArena arena = new TensorArena()) {
                Tensor y = arena.allocate(shape), dx = arena.allocate(shape);
                ReferenceKernels.softmax(arena.copyOf(xv, shape), y);
                ReferenceKernels.softmaxBackward(y, arena.copyOf(dyv, shape), dx);
                yv = y.toArray();
                expected = dx.toArray();
            }
            for (Layouts layout : Layouts.values()) {
                for (EnginePool pool : new EnginePool[] {one, two}) {
                    try (TensorArena arena = new TensorArena()) {
                        Tensor y = layout.of(arena, yv, shape);
                        Tensor dy = Layouts.values()[(layout.ordinal() + 1) % 4].of(arena, dyv, shape);
                        Tensor dx = Layouts.values()[(layout.ordinal() + 2) % 4].view(arena, shape);
                        Softmax.backward(pool, y, dy, dx);
                        String what = "softmax backward " + Arrays.toString(shape) + " " + layout;
                        Close.assertClose(what, expected, dx.toArray(), 1e-5, 1e-7);
                        Layouts.assertGuardsIntact(dx);
                        if (first == null) first = dx.toArray();
                        assertArrayEquals(first, dx.toArray(), "same bits for every layout and thread count");
                    }
                }
            }
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rng = new Random(24);
        int rows = 3, n = 11;
        float[] xv = Layouts.gaussian(rng, rows * n, 2), dyv = Layouts.gaussian(rng, rows * n, 1);
        double[] numeric = FiniteDifference.gradient(v -> softmax64(v, n), FiniteDifference.toDouble(xv),
                FiniteDifference.toDouble(dyv), 1e-4);
        try (TensorArena arena = new TensorArena()) {
            Tensor y = arena.allocate(rows, n), dx = arena.allocate(rows, n);
            Softmax.forward(two, arena.copyOf(xv, rows, n), y);
            Softmax.backward(two, y, arena.copyOf(dyv, rows, n), dx);
            FiniteDifference.assertMatches("softmax dx", numeric, dx.toArray(), 1e-6);
        }
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        try (TensorArena arena = new TensorArena()) {
            var e = assertThrows(ShapeMismatchException.class,
                    () -> Softmax.forward(one, arena.allocate(4, 9), arena.allocate(4, 8)));
            assertTrue(e.getMessage().contains("[4, 9]") && e.getMessage().contains("[4, 8]"), e.getMessage());
            e = assertThrows(ShapeMismatchException.class,
                    () -> Softmax.backward(one, arena.allocate(4, 9), arena.allocate(9, 4), arena.allocate(4, 9)));
            assertTrue(e.getMessage().contains("[4, 9]") && e.getMessage().contains("[9, 4]"), e.getMessage());
        }
    }
}
