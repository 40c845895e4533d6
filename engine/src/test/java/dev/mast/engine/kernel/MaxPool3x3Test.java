package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class MaxPool3x3Test extends TwoPoolTest {
    private static final WindowCase[] CASES = {
            new WindowCase(1, 1, 1, 1, 1, 1), new WindowCase(2, 7, 5, 7, 1, 1), new WindowCase(3, 12, 9, 17, 2, 2),
            new WindowCase(1, 12, 13, 32, 2, 2), new WindowCase(2, 6, 11, 33, 1, 3), new WindowCase(2, 5, 4, 16, 3, 1),
            new WindowCase(1, 3, 3, 129, 2, 2), new WindowCase(2, 2, 3, 192, 2, 2),
    };

    /** Small integers: many ties, so the tie rule is exercised everywhere. */
    private static float[] tied(Random rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.nextInt(3);
        return a;
    }

    @Test
    void forwardAndBackwardMatchReferenceWithTies() {
        Random rng = new Random(61);
        for (WindowCase cs : CASES) {
            for (boolean ties : new boolean[] {true, false}) {
                int[] xs = cs.xShape(), ys = cs.yShape();
                float[] xv = ties ? tied(rng, Layouts.size(xs)) : Layouts.gaussian(rng, Layouts.size(xs), 1);
                float[] dyv = Layouts.gaussian(rng, Layouts.size(ys), 1);
                float[] expectedY, expectedDx, first = null;
                try (TensorArena arena = new TensorArena()) {
                    Tensor y = arena.allocate(ys), dx = arena.allocate(xs), x = arena.copyOf(xv, xs);
                    ReferenceKernels.maxPool3x3(x, cs.strideH(), cs.strideW(), y);
                    ReferenceKernels.maxPool3x3Backward(x, arena.copyOf(dyv, ys), cs.strideH(), cs.strideW(), dx);
                    expectedY = y.toArray();
                    expectedDx = dx.toArray();
                }
                for (Layouts layout : Layouts.values()) {
                    for (EnginePool pool : new EnginePool[] {one, two}) {
                        try (TensorArena arena = new TensorArena()) {
                            Tensor x = layout.of(arena, xv, xs);
                            Tensor y = Layouts.values()[(layout.ordinal() + 1) % 4].view(arena, ys);
                            Tensor dy = Layouts.values()[(layout.ordinal() + 2) % 4].of(arena, dyv, ys);
                            Tensor dx = Layouts.values()[(layout.ordinal() + 3) % 4].view(arena, xs);
                            MaxPool3x3.forward(pool, x, cs.strideH(), cs.strideW(), y);
                            MaxPool3x3.backward(pool, x, dy, cs.strideH(), cs.strideW(), dx);
                            String what = "max pool " + cs + " ties " + ties + " " + layout;
                            assertArrayEquals(expectedY, y.toArray(), what);
                            // dx sums a few float gradients (several windows can pick one cell).
                            Close.assertClose(what + " dx", expectedDx, dx.toArray(), 1e-6, 1e-6);
                            Layouts.assertGuardsIntact(y);
                            Layouts.assertGuardsIntact(dx);
                            if (first == null) first = dx.toArray();
                            assertArrayEquals(first, dx.toArray(), "same bits for every layout and thread count");
                        }
                    }
                }
            }
        }
    }

    @Test
    void tiesGoToTheFirstMaximumAndNanWins() {
        try (TensorArena arena = new TensorArena()) {
            // One 3x3 image, one channel, stride 3: a single window over all nine cells.
            float inf = Float.POSITIVE_INFINITY;
            float[][] images = {
                    {0, 5, 1, 5, 2, 5, 0, 0, 5},            // first 5 at cell 1
                    {-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf}, // all -inf: cell 0
                    {1, Float.NaN, 9, 2, Float.NaN, 3, 0, 0, 0}, // the last NaN, cell 4
            };
            int[] winner = {1, 0, 4};
            for (int k = 0; k < images.length; k++) {
                Tensor x = arena.copyOf(images[k], 1, 3, 3, 1), y = arena.allocate(1, 1, 1, 1);
                Tensor dx = arena.allocate(1, 3, 3, 1);
                MaxPool3x3.forward(two, x, 3, 3, y);
                MaxPool3x3.backward(two, x, arena.copyOf(new float[] {2.5f}, 1, 1, 1, 1), 3, 3, dx);
                float[] expected = new float[9];
                expected[winner[k]] = 2.5f;
                assertArrayEquals(expected, dx.toArray(), "image " + k);
                assertEquals(images[k][winner[k]], y.get(0, 0, 0, 0), "image " + k);
            }
            // Padding never wins: a window at the border of an all-negative image.
            Tensor x = arena.copyOf(new float[] {-3, -2, -5, -4}, 1, 2, 2, 1), y = arena.allocate(1, 1, 1, 1);
            MaxPool3x3.forward(one, x, 2, 2, y);
            assertEquals(-2f, y.get(0, 0, 0, 0));
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        // Distinct values at least 0.01 apart, so the winners do not change within the step.
        int images = 2, h = 5, w = 6, c = 3, sh = 2, sw = 2;
        int n = images * h * w * c, ho = Pool3x3.outputSize(h, sh), wo = Pool3x3.outputSize(w, sw);
        Random rng = new Random(62);
        float[] xv = new float[n];
        int[] perm = rng.ints(0, n).distinct().limit(n).toArray();
        for (int i = 0; i < n; i++) xv[i] = perm[i] * 0.01f;
        float[] dyv = Layouts.gaussian(rng, images * ho * wo * c, 1);
        double[] numeric = FiniteDifference.gradient(v -> {
            double[] y = new double[images * ho * wo * c];
            for (int b = 0; b < images; b++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        for (int ch = 0; ch < c; ch++) {
                            double m = Double.NEGATIVE_INFINITY;
                            for (int a = 0; a < 3; a++) {
                                for (int e = 0; e < 3; e++) {
                                    int r = i * sh - 1 + a, q = j * sw - 1 + e;
                                    if (r >= 0 && r < h && q >= 0 && q < w) {
                                        m = Math.max(m, v[((b * h + r) * w + q) * c + ch]);
                                    }
                                }
                            }
                            y[((b * ho + i) * wo + j) * c + ch] = m;
                        }
                    }
                }
            }
            return y;
        }, FiniteDifference.toDouble(xv), FiniteDifference.toDouble(dyv), 1e-3);
        try (TensorArena arena = new TensorArena()) {
            Tensor dx = arena.allocate(images, h, w, c);
            MaxPool3x3.backward(two, arena.copyOf(xv, images, h, w, c), arena.copyOf(dyv, images, ho, wo, c), sh, sw,
                    dx);
            FiniteDifference.assertMatches("max pool dx", numeric, dx.toArray(), 1e-6);
        }
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        try (TensorArena arena = new TensorArena()) {
            var e = assertThrows(ShapeMismatchException.class, () -> MaxPool3x3.forward(one,
                    arena.allocate(2, 7, 5, 8), 2, 2, arena.allocate(2, 4, 3, 9)));
            assertTrue(e.getMessage().contains("[2, 7, 5, 8]") && e.getMessage().contains("[2, 4, 3, 9]"),
                    e.getMessage());
            e = assertThrows(ShapeMismatchException.class, () -> MaxPool3x3.backward(one,
                    arena.allocate(2, 7, 5, 8), arena.allocate(2, 4, 3, 8), 2, 2, arena.allocate(1, 7, 5, 8)));
            assertTrue(e.getMessage().contains("[1, 7, 5, 8]") && e.getMessage().contains("[2, 4, 3, 8]"),
                    e.getMessage());
        }
    }
}
