package dev.mast.engine.kernel;

import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.engine.tensor.Workspace;
import org.junit.jupiter.api.Test;

import static dev.mast.engine.kernel.GemmChecks.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Conv2dStem} against {@link ReferenceKernels#conv2dSingleChannel}: MAST's and MViTv2's stems and odd
 * kernels, strides and paddings, a transposed spectrogram as input, a strided output, thread counts 1 and 2.
 */
class Conv2dStemTest extends TwoPoolTest {
    private static void check(TensorArena arena, String what, Conv2dStem stem, Tensor weight, Tensor bias,
                              int[] stride, int[] pad, Tensor image, long seed) {
        int c = weight.dim(0), kk = weight.dim(2) * weight.dim(3);
        int[] outShape = {image.dim(0), stem.outputHeight(image.dim(1)), stem.outputWidth(image.dim(2)), c};
        Tensor expected = arena.allocate(outShape), absOut = arena.allocate(outShape);
        ReferenceKernels.conv2dSingleChannel(image, weight, bias, stride[0], stride[1], pad[0], pad[1], expected);
        ReferenceKernels.conv2dSingleChannel(abs(arena, image), abs(arena, weight),
                bias == null ? null : abs(arena, bias), stride[0], stride[1], pad[0], pad[1], absOut);
        Tensor bound = arena.allocate(outShape);
        for (long i = 0; i < bound.size(); i++) {
            bound.setFlat(i, (float) ((kk + 4) * EPS * absOut.getFlat(i)) + Float.MIN_NORMAL);
        }
        Tensor y1 = guarded(arena, seed, outShape), y2 = guarded(arena, seed, outShape);
        try (Workspace ws = new Workspace()) {
            stem.forward(one, image, y1, ws);
            ws.reset();
            stem.forward(two, image, y2, ws);
            assertEquals(0, ws.mark(), "workspace released");
        }
        assertWithin(what, expected, y1, bound);
        assertBitIdentical(what + " (1 vs 2 threads)", y1, y2);
        assertGuardsIntact(y1);
        assertGuardsIntact(y2);
    }

    private static void check(TensorArena arena, String what, int c, int kh, int kw, int[] stride, int[] pad,
                              Tensor image, boolean withBias, long seed) {
        Tensor weight = random(arena, seed, c, 1, kh, kw), bias = withBias ? random(arena, seed + 1, c) : null;
        Conv2dStem stem = new Conv2dStem(weight, bias, stride[0], stride[1], pad[0], pad[1], arena.arena());
        check(arena, what, stem, weight, bias, stride, pad, image, seed + 2);
    }

    @Test
    void mastStemOnATransposedSpectrogram() {
        try (TensorArena arena = new TensorArena()) {
            // (B, T, F) fbank features; the model sees (B, F, T): frequency rows, time columns.
            Tensor fbank = random(arena, 1, 2, 131, 128);
            Tensor image = fbank.transpose(1, 2);
            check(arena, "16x16/10/0", 96, 16, 16, new int[] {10, 10}, new int[] {0, 0}, image, true, 2);
        }
    }

    @Test
    void mvitStemAndOddGeometries() {
        try (TensorArena arena = new TensorArena()) {
            check(arena, "7x7/4/3", 17, 7, 7, new int[] {4, 4}, new int[] {3, 3}, random(arena, 1, 1, 29, 31), true, 2);
            check(arena, "3x5/(2,3)/(1,2)", 7, 3, 5, new int[] {2, 3}, new int[] {1, 2}, random(arena, 3, 3, 17, 19),
                    false, 4);
            check(arena, "1x1/1/0", 1, 1, 1, new int[] {1, 1}, new int[] {0, 0}, random(arena, 5, 1, 7, 1), true, 6);
            // Padding wider than the kernel reach: whole windows of zeros at the borders.
            check(arena, "2x2/1/3", 129, 2, 2, new int[] {1, 1}, new int[] {3, 3}, random(arena, 7, 1, 4, 5), true, 8);
            // An image that is a sliced view with gaps between rows.
            Tensor wide = random(arena, 9, 2, 20, 40);
            check(arena, "sliced image", 33, 4, 4, new int[] {2, 3}, new int[] {1, 0}, wide.slice(2, 3, 30), true, 10);
        }
    }

    @Test
    void stridedOutput() {
        try (TensorArena arena = new TensorArena()) {
            Tensor weight = random(arena, 1, 12, 1, 5, 5), bias = random(arena, 2, 12);
            Conv2dStem stem = new Conv2dStem(weight, bias, 3, 3, 2, 2, arena.arena());
            Tensor image = random(arena, 3, 2, 23, 26);
            int ho = stem.outputHeight(23), wo = stem.outputWidth(26);
            // Output as [B, Ho, Wo, C] seen through a permutation of a [B, Wo, Ho, C] buffer.
            Tensor buffer = arena.allocate(2, wo, ho, 12);
            Tensor out = buffer.permute(0, 2, 1, 3);
            Tensor contiguous = arena.allocate(2, ho, wo, 12);
            try (Workspace ws = new Workspace()) {
                stem.forward(two, image, out, ws);
                stem.forward(one, image, contiguous, ws);
            }
            // Same operations per element whatever the output layout (the contiguous case is checked above).
            assertBitIdentical("permuted output", contiguous, out);
            check(arena, "5x5/3/2", stem, weight, bias, new int[] {3, 3}, new int[] {2, 2}, image, 4);
        }
    }

    @Test
    void badShapesAndParameters() {
        try (TensorArena arena = new TensorArena(); Workspace ws = new Workspace()) {
            Conv2dStem stem = new Conv2dStem(arena.allocate(4, 1, 3, 3), null, 2, 2, 0, 0, arena.arena());
            var e = assertThrows(ShapeMismatchException.class,
                    () -> stem.forward(one, arena.allocate(1, 9, 9), arena.allocate(1, 4, 3, 4), ws));
            assertTrue(e.getMessage().contains("[1, 9, 9]") && e.getMessage().contains("[1, 4, 3, 4]"), e.getMessage());
            // Smaller than the kernel: no output position at all.
            assertThrows(ShapeMismatchException.class,
                    () -> stem.forward(one, arena.allocate(1, 2, 9), arena.allocate(1, 0, 4, 4), ws));
            assertThrows(IllegalArgumentException.class,
                    () -> new Conv2dStem(arena.allocate(4, 1, 3, 3), null, 0, 1, 0, 0, arena.arena()));
            e = assertThrows(ShapeMismatchException.class,
                    () -> new Conv2dStem(arena.allocate(4, 2, 3, 3), null, 1, 1, 0, 0, arena.arena()));
            assertTrue(e.getMessage().contains("[4, 2, 3, 3]"), e.getMessage());
        }
    }
}
