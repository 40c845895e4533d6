package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class LayerNormTest extends TwoPoolTest {
    private static final int[][] SHAPES = {{1}, {7}, {3, 17}, {2, 5, 129}, {1, 96}, {13, 96}, {2, 3, 7, 64}, {50, 200}};

    /** LayerNorm in double precision, written from the formula (the finite-difference reference). */
    static double[] layerNorm64(double[] x, double[] gamma, double[] beta, double eps) {
        int c = gamma.length, rows = x.length / c;
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int j = 0; j < c; j++) mean += x[r * c + j] / c;
            for (int j = 0; j < c; j++) var += (x[r * c + j] - mean) * (x[r * c + j] - mean) / c;
            for (int j = 0; j < c; j++) {
                y[r * c + j] = (x[r * c + j] - mean) / Math.sqrt(var + eps) * gamma[j] + beta[j];
            }
        }
        return y;
    }

    private static int[] rowShape(int[] shape) {
        return Arrays.copyOf(shape, shape.length - 1);
    }

    @Test
    void forwardMatchesReferenceOnLayoutsAndThreads() {
        Random rng = new Random(11);
        for (int[] shape : SHAPES) {
            int c = shape[shape.length - 1], n = Layouts.size(shape);
            float[] xv = Layouts.gaussian(rng, n, 2), g = Layouts.gaussian(rng, c, 1), b = Layouts.gaussian(rng, c, 1);
            for (int i = 0; i < n; i++) xv[i] += 3; // an offset, so that the mean matters
            float[] expected, expectedMean, expectedRstd, first = null, firstStats = null;
            try (TensorArena arena = new TensorArena()) {
                Tensor y = arena.allocate(shape), mean = arena.allocate(rowShape(shape)),
                        rstd = arena.allocate(rowShape(shape));
                ReferenceKernels.layerNorm(arena.copyOf(xv, shape), arena.copyOf(g, c), arena.copyOf(b, c), 1e-6f, y,
                        mean, rstd);
                expected = y.toArray();
                expectedMean = mean.toArray();
                expectedRstd = rstd.toArray();
            }
            for (Layouts layout : Layouts.values()) {
                for (EnginePool pool : new EnginePool[] {one, two}) {
                    try (TensorArena arena = new TensorArena()) {
                        Tensor x = layout.of(arena, xv, shape);
                        Tensor y = Layouts.values()[(layout.ordinal() + 1) % 4].view(arena, shape);
                        Tensor mean = Layouts.ROW_PADDED.view(arena, rowShape(shape));
                        Tensor rstd = Layouts.CONTIGUOUS.view(arena, rowShape(shape));
                        Tensor gamma = Layouts.INNER_STRIDED.of(arena, g, c);
                        LayerNorm.forward(pool, x, gamma, arena.copyOf(b, c), 1e-6f, y, mean, rstd);
                        String what = "layer norm " + Arrays.toString(shape) + " " + layout;
                        Close.assertClose(what, expected, y.toArray(), 1e-5, 1e-5);
                        Close.assertClose(what + " mean", expectedMean, mean.toArray(), 1e-6, 1e-6);
                        Close.assertClose(what + " rstd", expectedRstd, rstd.toArray(), 1e-5, 0);
                        Layouts.assertGuardsIntact(y);
                        Layouts.assertGuardsIntact(mean);
                        Layouts.assertGuardsIntact(rstd);
                        float[] stats = concat(mean.toArray(), rstd.toArray());
                        if (first == null) {
                            first = y.toArray();
                            firstStats = stats;
                        }
                        assertArrayEquals(first, y.toArray(), "same bits for every layout and thread count");
                        assertArrayEquals(firstStats, stats);
                        Tensor y2 = arena.allocate(shape);
                        LayerNorm.forward(pool, x, gamma, arena.copyOf(b, c), 1e-6f, y2);
                        assertArrayEquals(first, y2.toArray(), "the overload without statistics");
                    }
                }
            }
        }
    }

    @Test
    void epsIsConfigurableAndInPlaceWorks() {
        try (TensorArena arena = new TensorArena()) {
            // A constant row has variance 0: y = beta exactly, whatever eps; a tiny row shows eps.
            float[] xv = {1e-3f, -1e-3f, 1e-3f, -1e-3f};
            Tensor gamma = arena.copyOf(new float[] {1, 1, 1, 1}, 4), beta = arena.allocate(4);
            Tensor y = arena.allocate(4);
            LayerNorm.forward(two, arena.copyOf(xv, 4), gamma, beta, 1e-6f, y);
            assertEquals(1e-3 / Math.sqrt(1e-6 + 1e-6), y.get(0), 1e-6);
            LayerNorm.forward(two, arena.copyOf(xv, 4), gamma, beta, 1e-5f, y);
            assertEquals(1e-3 / Math.sqrt(1e-6 + 1e-5), y.get(0), 1e-6);
            Tensor x = arena.copyOf(xv, 4);
            LayerNorm.forward(two, x, gamma, beta, 1e-5f, x);
            assertArrayEquals(y.toArray(), x.toArray());
        }
    }

    @Test
    void backwardMatchesReferenceAndAccumulates() {
        Random rng = new Random(12);
        for (int[] shape : SHAPES) {
            int c = shape[shape.length - 1], n = Layouts.size(shape);
            float[] xv = Layouts.gaussian(rng, n, 2), g = Layouts.gaussian(rng, c, 1);
            float[] dyv = Layouts.gaussian(rng, n, 1);
            float[] start = Layouts.gaussian(rng, c, 1);
            float[] expectedDx, expectedDg, expectedDb, first = null;
            try (TensorArena arena = new TensorArena()) {
                Tensor dx = arena.allocate(shape), dg = arena.copyOf(start, c), db = arena.copyOf(start, c);
                ReferenceKernels.layerNormBackward(arena.copyOf(xv, shape), arena.copyOf(g, c), 1e-6f,
                        arena.copyOf(dyv, shape), dx, dg, db);
                expectedDx = dx.toArray();
                expectedDg = dg.toArray();
                expectedDb = db.toArray();
            }
            for (Layouts layout : Layouts.values()) {
                for (EnginePool pool : new EnginePool[] {one, two}) {
                    try (TensorArena arena = new TensorArena()) {
                        Tensor x = layout.of(arena, xv, shape), gamma = arena.copyOf(g, c);
                        Tensor mean = arena.allocate(rowShape(shape)), rstd = arena.allocate(rowShape(shape));
                        LayerNorm.forward(pool, x, gamma, arena.allocate(c), 1e-6f, arena.allocate(shape), mean, rstd);
                        Tensor dy = Layouts.values()[(layout.ordinal() + 1) % 4].of(arena, dyv, shape);
                        Tensor dx = Layouts.values()[(layout.ordinal() + 2) % 4].view(arena, shape);
                        Tensor dg = Layouts.ROW_PADDED.of(arena, start, c), db = arena.copyOf(start, c);
                        LayerNorm.backward(pool, x, gamma, mean, rstd, dy, dx, dg, db);
                        String what = "layer norm backward " + Arrays.toString(shape) + " " + layout;
                        double scale = maxAbs(expectedDx);
                        Close.assertClose(what + " dx", expectedDx, dx.toArray(), 1e-4, 2e-6 * scale);
                        Close.assertClose(what + " dgamma", expectedDg, dg.toArray(), 1e-5, 1e-5);
                        Close.assertClose(what + " dbeta", expectedDb, db.toArray(), 1e-5, 1e-5);
                        Layouts.assertGuardsIntact(dx);
                        Layouts.assertGuardsIntact(dg);
                        float[] all = concat(concat(dx.toArray(), dg.toArray()), db.toArray());
                        if (first == null) first = all;
                        assertArrayEquals(first, all, "same bits for every layout and thread count");
                    }
                }
            }
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random rng = new Random(13);
        int rows = 3, c = 7;
        float[] xv = Layouts.gaussian(rng, rows * c, 1.5), g = Layouts.gaussian(rng, c, 1),
                b = Layouts.gaussian(rng, c, 1), dyv = Layouts.gaussian(rng, rows * c, 1);
        double eps = 1e-5;
        double[] x64 = FiniteDifference.toDouble(xv), g64 = FiniteDifference.toDouble(g),
                b64 = FiniteDifference.toDouble(b), dy64 = FiniteDifference.toDouble(dyv);
        double[] numDx = FiniteDifference.gradient(v -> layerNorm64(v, g64, b64, eps), x64, dy64, 1e-4);
        double[] numDg = FiniteDifference.gradient(v -> layerNorm64(x64, v, b64, eps), g64, dy64, 1e-4);
        double[] numDb = FiniteDifference.gradient(v -> layerNorm64(x64, g64, v, eps), b64, dy64, 1e-4);
        try (TensorArena arena = new TensorArena()) {
            Tensor x = arena.copyOf(xv, rows, c), gamma = arena.copyOf(g, c);
            Tensor mean = arena.allocate(rows), rstd = arena.allocate(rows);
            LayerNorm.forward(two, x, gamma, arena.copyOf(b, c), (float) eps, arena.allocate(rows, c), mean, rstd);
            Tensor dx = arena.allocate(rows, c), dg = arena.allocate(c), db = arena.allocate(c);
            LayerNorm.backward(two, x, gamma, mean, rstd, arena.copyOf(dyv, rows, c), dx, dg, db);
            FiniteDifference.assertMatches("layer norm dx", numDx, dx.toArray(), 1e-5);
            FiniteDifference.assertMatches("layer norm dgamma", numDg, dg.toArray(), 1e-5);
            FiniteDifference.assertMatches("layer norm dbeta", numDb, db.toArray(), 1e-5);
            // dx may be dy
            Tensor dy = arena.copyOf(dyv, rows, c);
            LayerNorm.backward(two, x, gamma, mean, rstd, dy, dy, arena.allocate(c), arena.allocate(c));
            assertArrayEquals(dx.toArray(), dy.toArray(), "in place");
        }
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        try (TensorArena arena = new TensorArena()) {
            var e = assertThrows(ShapeMismatchException.class, () -> LayerNorm.forward(one, arena.allocate(2, 8),
                    arena.allocate(7), arena.allocate(8), 1e-6f, arena.allocate(2, 8)));
            assertTrue(e.getMessage().contains("[7]") && e.getMessage().contains("[8]"), e.getMessage());
            e = assertThrows(ShapeMismatchException.class, () -> LayerNorm.forward(one, arena.allocate(2, 8),
                    arena.allocate(8), arena.allocate(8), 1e-6f, arena.allocate(2, 8), arena.allocate(3), null));
            assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
            e = assertThrows(ShapeMismatchException.class, () -> LayerNorm.backward(one, arena.allocate(2, 8),
                    arena.allocate(8), arena.allocate(2), arena.allocate(2), arena.allocate(2, 9),
                    arena.allocate(2, 8), arena.allocate(8), arena.allocate(8)));
            assertTrue(e.getMessage().contains("[2, 8]") && e.getMessage().contains("[2, 9]"), e.getMessage());
        }
    }

    static float[] concat(float[] a, float[] b) {
        float[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }
}
