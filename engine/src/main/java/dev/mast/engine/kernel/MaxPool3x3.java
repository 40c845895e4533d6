package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * 3×3 max-pool with padding 1 (padded cells never win), channels last: the skip path of a down-sampling block.
 * x [..., H, W, C], y [..., Ho, Wo, C] with {@code Ho = Pool3x3.outputSize(H, strideH)}.
 *
 * <p>The winner of a window is PyTorch's: taps are scanned row by row, and a tap replaces the current winner when it
 * is greater or NaN. So ties go to the first maximum in scan order, and a NaN wins (the last NaN). The forward
 * output is the winner's value; the backward routes each output gradient to its window's winner:
 * {@code dx[winner(i, j)] += dy[i, j]} (dx overwritten, zero where nothing is routed).
 */
public final class MaxPool3x3 {
    private MaxPool3x3() {}

    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = VectorMath.LANES;

    public static void forward(EnginePool pool, Tensor x, int strideH, int strideW, Tensor y) {
        DepthwiseConv3x3.checkWindowShapes("max_pool3x3", x, strideH, strideW, y);
        if (!x.hasUnitInnerStride() || !y.hasUnitInnerStride()) {
            Tensor yc = Views.scratch(y);
            forward(pool, Views.contiguous(x), strideH, strideW, yc);
            if (yc != y) y.copyFrom(yc);
            return;
        }
        Window win = new Window(x, y, strideH, strideW);
        OuterIndex xAt = new OuterIndex(x, 3), yAt = new OuterIndex(y, 3);
        long outRows = xAt.count() * win.ho;
        int tasks = Split.tasks(outRows, 9L * win.wo * win.c, Integer.MAX_VALUE);
        pool.parallelFor(tasks, t -> {
            for (long r = Split.start(outRows, tasks, t), end = Split.start(outRows, tasks, t + 1); r < end; r++) {
                long image = r / win.ho;
                int i = (int) (r % win.ho);
                long xImage = xAt.offset(image), yRow = yAt.offset(image) + i * win.ysH;
                for (int ch = 0; ch < win.c; ch += LANES) {
                    VectorMask<Float> m = SPECIES.indexInRange(ch, win.c);
                    for (int j = 0; j < win.wo; j++) {
                        FloatVector best = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
                        for (int a = 0; a < 3; a++) {
                            int row = i * win.sh - 1 + a;
                            if (row < 0 || row >= win.h) continue;
                            for (int b = 0; b < 3; b++) {
                                int col = j * win.sw - 1 + b;
                                if (col < 0 || col >= win.w) continue;
                                FloatVector v = load(x.storage(), xImage + row * win.xsH + col * win.xsW + ch, m);
                                best = best.blend(v, wins(v, best));
                            }
                        }
                        best.intoMemorySegment(y.storage(), (yRow + j * win.ysW + ch) * Float.BYTES,
                                VectorMath.ORDER, m);
                    }
                }
            }
        });
    }

    /** Backward: dx (overwritten) from dy [..., Ho, Wo, C] and the forward input x. */
    public static void backward(EnginePool pool, Tensor x, Tensor dy, int strideH, int strideW, Tensor dx) {
        DepthwiseConv3x3.checkWindowShapes("max_pool3x3_backward", x, strideH, strideW, dy);
        DepthwiseConv3x3.checkWindowShapes("max_pool3x3_backward", dx, strideH, strideW, dy);
        if (!x.hasUnitInnerStride() || !dy.hasUnitInnerStride() || !dx.hasUnitInnerStride()) {
            Tensor dxc = Views.scratch(dx);
            backward(pool, Views.contiguous(x), Views.contiguous(dy), strideH, strideW, dxc);
            if (dxc != dx) dx.copyFrom(dxc);
            return;
        }
        Window win = new Window(x, dy, strideH, strideW);
        OuterIndex xAt = new OuterIndex(x, 3), dyAt = new OuterIndex(dy, 3), dxAt = new OuterIndex(dx, 3);
        long dxsH = dx.stride(-3), dxsW = dx.stride(-2);
        int blocks = (win.c + LANES - 1) / LANES;
        // A task owns a channel block of one image, so its scatter into dx races with no other task.
        long items = xAt.count() * blocks;
        int tasks = Split.tasks(items, 9L * win.h * win.w * LANES, Integer.MAX_VALUE);
        pool.parallelFor(tasks, t -> {
            for (long item = Split.start(items, tasks, t), end = Split.start(items, tasks, t + 1); item < end;
                 item++) {
                long image = item / blocks;
                int ch = (int) (item % blocks) * LANES;
                backwardBlock(win, x.storage(), xAt.offset(image) + ch, dy.storage(), dyAt.offset(image) + ch,
                        dx.storage(), dxAt.offset(image) + ch, dxsH, dxsW, SPECIES.indexInRange(ch, win.c));
            }
        });
    }

    /** One channel block of one image: zero dx, then add every output's gradient at its window's winner. */
    private static void backwardBlock(Window win, MemorySegment xs, long xImage, MemorySegment dys, long dyImage,
                                      MemorySegment dxs, long dxImage, long dxsH, long dxsW, VectorMask<Float> m) {
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int r = 0; r < win.h; r++) {
            for (int q = 0; q < win.w; q++) {
                zero.intoMemorySegment(dxs, (dxImage + r * dxsH + q * dxsW) * Float.BYTES, VectorMath.ORDER, m);
            }
        }
        for (int i = 0; i < win.ho; i++) {
            for (int j = 0; j < win.wo; j++) {
                // The winner's tap number (a·3 + b) per lane, held as a float; PyTorch starts from -inf and the
                // first tap inside the image, which stays the winner when every tap is -inf.
                FloatVector best = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
                int firstTap = (i == 0 ? 3 : 0) + (j == 0 ? 1 : 0);
                FloatVector winner = FloatVector.broadcast(SPECIES, firstTap);
                for (int a = 0; a < 3; a++) {
                    int row = i * win.sh - 1 + a;
                    if (row < 0 || row >= win.h) continue;
                    for (int b = 0; b < 3; b++) {
                        int col = j * win.sw - 1 + b;
                        if (col < 0 || col >= win.w) continue;
                        FloatVector v = load(xs, xImage + row * win.xsH + col * win.xsW, m);
                        VectorMask<Float> w = wins(v, best);
                        best = best.blend(v, w);
                        winner = winner.blend(a * 3 + b, w);
                    }
                }
                FloatVector g = load(dys, dyImage + i * win.ysH + j * win.ysW, m);
                for (int a = 0; a < 3; a++) {
                    int row = i * win.sh - 1 + a;
                    if (row < 0 || row >= win.h) continue;
                    for (int b = 0; b < 3; b++) {
                        int col = j * win.sw - 1 + b;
                        if (col < 0 || col >= win.w) continue;
                        VectorMask<Float> here = winner.compare(VectorOperators.EQ, a * 3 + b).and(m);
                        if (!here.anyTrue()) continue;
                        long o = (dxImage + row * dxsH + col * dxsW) * Float.BYTES;
                        FloatVector.fromMemorySegment(SPECIES, dxs, o, VectorMath.ORDER, m)
                                .add(g.blend(0f, here.not()))
                                .intoMemorySegment(dxs, o, VectorMath.ORDER, m);
                    }
                }
            }
        }
    }

    /** PyTorch's rule: a tap takes over when it is greater than the current winner or NaN. */
    private static VectorMask<Float> wins(FloatVector v, FloatVector best) {
        return v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
    }

    private static FloatVector load(MemorySegment s, long elementOffset, VectorMask<Float> m) {
        return FloatVector.fromMemorySegment(SPECIES, s, elementOffset * Float.BYTES, VectorMath.ORDER, m);
    }
}
