package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class MeanTokensTest extends TwoPoolTest {
    private static final int[][] SHAPES = {{1, 1, 1}, {1, 7, 17}, {3, 4, 129}, {2, 26, 768}, {8, 9, 7}};

    @Test
    void forwardMatchesReferenceOnLayoutsAndThreads() {
        Random rng = new Random(41);
        for (int[] shape : SHAPES) {
            float[] xv = Layouts.gaussian(rng, Layouts.size(shape), 1);
            int[] yShape = {shape[0], shape[2]};
            float[] expected, first = null;
            try (TensorArena arena = new TensorArena()) {
                Tensor y = arena.allocate(yShape);
                ReferenceKernels.meanTokens(arena.copyOf(xv, shape), y);
                expected = y.toArray();
            }
            for (Layouts layout : Layouts.values()) {
                for (EnginePool pool : new EnginePool[] {one, two}) {
                    try (TensorArena arena = new TensorArena()) {
                        Tensor x = layout.of(arena, xv, shape);
                        Tensor y = Layouts.values()[(layout.ordinal() + 1) % 4].view(arena, yShape);
                        MeanTokens.forward(pool, x, y);
                        Close.assertClose("mean " + Arrays.toString(shape) + " " + layout, expected, y.toArray(),
                                1e-6, 1e-7);
                        Layouts.assertGuardsIntact(y);
                        if (first == null) first = y.toArray();
                        assertArrayEquals(first, y.toArray(), "same bits for every layout and thread count");
                    }
                }
            }
        }
    }

    @Test
    void backwardMatchesReferenceAndFiniteDifferences() {
        Random rng = new Random(42);
        for (int[] shape : SHAPES) {
            int[] yShape = {shape[0], shape[2]};
            float[] dyv = Layouts.gaussian(rng, shape[0] * shape[2], 1);
            float[] expected;
            try (TensorArena arena = new TensorArena()) {
                Tensor dx = arena.allocate(shape);
                ReferenceKernels.meanTokensBackward(arena.copyOf(dyv, yShape), dx);
                expected = dx.toArray();
            }
            for (Layouts layout : Layouts.values()) {
                for (EnginePool pool : new EnginePool[] {one, two}) {
                    try (TensorArena arena = new TensorArena()) {
                        Tensor dy = layout.of(arena, dyv, yShape);
                        Tensor dx = Layouts.values()[(layout.ordinal() + 1) % 4].view(arena, shape);
                        MeanTokens.backward(pool, dy, dx);
                        assertArrayEquals(expected, dx.toArray(), Arrays.toString(shape) + " " + layout);
                        Layouts.assertGuardsIntact(dx);
                    }
                }
            }
        }
        int b = 2, n = 5, c = 3;
        float[] xv = Layouts.gaussian(rng, b * n * c, 1), dyv = Layouts.gaussian(rng, b * c, 1);
        double[] numeric = FiniteDifference.gradient(v -> {
            double[] y = new double[b * c];
            for (int i = 0; i < b; i++) {
                for (int t = 0; t < n; t++) {
                    for (int ch = 0; ch < c; ch++) y[i * c + ch] += v[(i * n + t) * c + ch] / n;
                }
            }
            return y;
        }, FiniteDifference.toDouble(xv), FiniteDifference.toDouble(dyv), 1e-3);
        try (TensorArena arena = new TensorArena()) {
            Tensor dx = arena.allocate(b, n, c);
            MeanTokens.backward(two, arena.copyOf(dyv, b, c), dx);
            FiniteDifference.assertMatches("mean dx", numeric, dx.toArray(), 1e-6);
        }
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        try (TensorArena arena = new TensorArena()) {
            var e = assertThrows(ShapeMismatchException.class,
                    () -> MeanTokens.forward(one, arena.allocate(2, 5, 8), arena.allocate(2, 7)));
            assertTrue(e.getMessage().contains("[2, 7]") && e.getMessage().contains("[2, 8]"), e.getMessage());
            e = assertThrows(ShapeMismatchException.class,
                    () -> MeanTokens.backward(one, arena.allocate(3, 8), arena.allocate(2, 5, 8)));
            assertTrue(e.getMessage().contains("[3, 8]") && e.getMessage().contains("[2, 8]"), e.getMessage());
        }
    }
}
