package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ResidualAddTest extends TwoPoolTest {
    @Test
    void matchesReferenceOnLayoutsAndThreads() {
        Random rng = new Random(31);
        for (int[] shape : new int[][] {{1}, {7}, {17}, {3, 129}, {2, 5, 33}, {20000}}) {
            int n = Layouts.size(shape);
            float[] av = Layouts.gaussian(rng, n, 1), bv = Layouts.gaussian(rng, n, 1);
            float[] expected;
            try (TensorArena arena = new TensorArena()) {
                Tensor out = arena.allocate(shape);
                ReferenceKernels.add(arena.copyOf(av, shape), arena.copyOf(bv, shape), out);
                expected = out.toArray();
            }
            for (Layouts layout : Layouts.values()) {
                for (EnginePool pool : new EnginePool[] {one, two}) {
                    try (TensorArena arena = new TensorArena()) {
                        Tensor a = layout.of(arena, av, shape);
                        Tensor b = Layouts.values()[(layout.ordinal() + 1) % 4].of(arena, bv, shape);
                        Tensor out = Layouts.values()[(layout.ordinal() + 2) % 4].view(arena, shape);
                        ResidualAdd.forward(pool, a, b, out);
                        assertArrayEquals(expected, out.toArray(), Arrays.toString(shape) + " " + layout);
                        Layouts.assertGuardsIntact(out);
                        ResidualAdd.forward(pool, a, b, a);
                        assertArrayEquals(expected, a.toArray(), "in place into a");
                        Layouts.assertGuardsIntact(a);
                    }
                }
            }
        }
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        try (TensorArena arena = new TensorArena()) {
            var e = assertThrows(ShapeMismatchException.class,
                    () -> ResidualAdd.forward(one, arena.allocate(2, 3), arena.allocate(2, 4), arena.allocate(2, 3)));
            assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
        }
    }
}
