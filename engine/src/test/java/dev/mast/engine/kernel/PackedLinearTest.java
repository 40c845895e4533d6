package dev.mast.engine.kernel;

import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import static dev.mast.engine.kernel.GemmChecks.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link PackedLinear#forward} against {@link ReferenceKernels#linear} for every epilogue: odd shapes, batched and
 * strided inputs and outputs, thread counts 1 and 2 (bit-identical), untouched memory around the output.
 */
class PackedLinearTest extends TwoPoolTest {
    /**
     * y = epilogue(x·Wᵀ + b) on both pools into guarded outputs of {@code yShape}, checked against the reference
     * with the float dot-product bound (in + 4)·u·(|x|·|W|ᵀ + |b| + |y0|), widened for GELU by its slope (at most
     * 1.13) plus 1e-6 relative for the GELU evaluation itself, and between the pools bit for bit.
     */
    private static void check(TensorArena arena, String what, PackedLinear layer, Tensor x, int[] yShape,
                              Epilogue epilogue, long seed) {
        int in = layer.inFeatures(), out = layer.outFeatures();
        Tensor y1 = guarded(arena, seed, yShape), y2 = guarded(arena, seed, yShape);
        Tensor y0 = copy(arena, y1);
        int rows = (int) (x.size() / Math.max(1, in));
        Tensor x2 = copy(arena, x).reshape(rows, in), expected = copy(arena, y0).reshape(rows, out);
        ReferenceKernels.linear(x2, layer.weight(), layer.bias(), expected, epilogue);
        Tensor absProd = arena.allocate(rows, out);
        ReferenceKernels.linear(abs(arena, x2), abs(arena, layer.weight()),
                layer.bias() == null ? null : abs(arena, layer.bias()), absProd, Epilogue.NONE);
        Tensor bound = arena.allocate(rows, out);
        for (long i = 0; i < bound.size(); i++) {
            double old = epilogue == Epilogue.ACCUMULATE ? Math.abs(y0.getFlat(i)) : 0;
            double b = (in + 4) * EPS * (absProd.getFlat(i) + old);
            if (epilogue == Epilogue.GELU) b = 1.13 * b + 1e-6 * Math.abs(expected.getFlat(i));
            bound.setFlat(i, (float) b + Float.MIN_NORMAL);
        }
        layer.forward(one, x, y1, epilogue);
        layer.forward(two, x, y2, epilogue);
        assertWithin(what + " " + epilogue, expected, copy(arena, y1).reshape(rows, out), bound);
        assertBitIdentical(what + " " + epilogue + " (1 vs 2 threads)", y1, y2);
        assertGuardsIntact(y1);
        assertGuardsIntact(y2);
    }

    @Test
    void everyEpilogueOnOddShapes() {
        int[] sizes = {1, 7, 17, 129};
        try (TensorArena arena = new TensorArena()) {
            long seed = 1;
            for (int in : sizes) {
                for (int out : sizes) {
                    PackedLinear layer = new PackedLinear(random(arena, seed++, out, in),
                            random(arena, seed++, out), arena.arena());
                    for (int rows : new int[] {1, 7, 130}) {
                        Tensor x = random(arena, seed++, rows, in);
                        for (Epilogue e : Epilogue.values()) {
                            check(arena, rows + "x" + in + "->" + out, layer, x, new int[] {rows, out}, e, seed++);
                        }
                    }
                }
            }
        }
    }

    @Test
    void mastShapesWithoutBiasAndDeepInput() {
        try (TensorArena arena = new TensorArena()) {
            // Stage-0 QKV of MAST (96 -> 288 over 144 tokens) and an FC2-like layer deeper than one K block.
            PackedLinear qkv = new PackedLinear(random(arena, 1, 288, 96), random(arena, 2, 288), arena.arena());
            check(arena, "qkv", qkv, random(arena, 3, 1, 144, 96), new int[] {1, 144, 288}, Epilogue.NONE, 4);
            int deep = GemmKernel.KC + 232;
            PackedLinear fc2 = new PackedLinear(random(arena, 5, 40, deep), null, arena.arena());
            for (Epilogue e : Epilogue.values()) {
                check(arena, "fc2", fc2, random(arena, 6, 2, 21, deep), new int[] {2, 21, 40}, e, 7);
            }
        }
    }

    @Test
    void stridedWeightInputAndOutput() {
        try (TensorArena arena = new TensorArena()) {
            // Weight given transposed; x the middle third of a QKV-like buffer (row stride 3·in); y a slice.
            Tensor wT = random(arena, 1, 45, 50);
            PackedLinear layer = new PackedLinear(wT.transpose(0, 1), random(arena, 2, 50), arena.arena());
            Tensor qkv = random(arena, 3, 2, 13, 3 * 45);
            Tensor x = qkv.slice(-1, 45, 90);
            for (Epilogue e : Epilogue.values()) check(arena, "x[..., 45:90]", layer, x, new int[] {2, 13, 50}, e, 4);
            // Leading dims that cannot be merged into rows (a permuted batch): processed as a batch.
            Tensor xp = random(arena, 5, 13, 2, 45).permute(1, 0, 2);
            check(arena, "permuted x", layer, xp, new int[] {2, 13, 50}, Epilogue.ACCUMULATE, 6);
        }
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        try (TensorArena arena = new TensorArena()) {
            PackedLinear layer = new PackedLinear(arena.allocate(8, 5), null, arena.arena());
            var e = assertThrows(ShapeMismatchException.class,
                    () -> layer.forward(one, arena.allocate(3, 6), arena.allocate(3, 8), Epilogue.NONE));
            assertTrue(e.getMessage().contains("[3, 6]") && e.getMessage().contains("[3, 8]"), e.getMessage());
            e = assertThrows(ShapeMismatchException.class,
                    () -> layer.forward(one, arena.allocate(3, 5), arena.allocate(4, 8), Epilogue.NONE));
            assertTrue(e.getMessage().contains("[3, 5]") && e.getMessage().contains("[4, 8]"), e.getMessage());
            e = assertThrows(ShapeMismatchException.class,
                    () -> new PackedLinear(arena.allocate(8, 5), arena.allocate(7), arena.arena()));
            assertTrue(e.getMessage().contains("[7]") && e.getMessage().contains("[8, 5]"), e.getMessage());
        }
    }
}
