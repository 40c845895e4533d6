package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * Depthwise 3×3 convolution with padding 1 and no bias, channels last: the pooling op of pooling attention.
 *
 * <p>x [..., H, W, C] (any strides; the leading dimensions are independent images, e.g. batch and head),
 * weight [C, 1, 3, 3] (PyTorch layout), y [..., Ho, Wo, C] with {@code Ho = Pool3x3.outputSize(H, strideH)}.
 * With taps (a, b) in 0..2 and zero padding:
 * <pre>
 *   forward:  y[i, j, c]  = Σ_ab x[i·sh - 1 + a, j·sw - 1 + b, c]·w[c, a, b]
 *   backward: dx[r, q, c] = Σ over (i, a), (j, b) with r = i·sh - 1 + a, q = j·sw - 1 + b of dy[i, j, c]·w[c, a, b]
 *             dw[c, a, b] += Σ_images Σ_ij dy[i, j, c]·x[i·sh - 1 + a, j·sw - 1 + b, c]
 * </pre>
 * Vectorized along C (unit channel stride; other views go through a copy). dx is gathered (each element written
 * once, so it needs no zeroing and no locks); dw is summed per task over a fixed group of images and the task
 * results added in task order, so the bits do not depend on the thread count. dw is accumulated ({@code +=}).
 */
public final class DepthwiseConv3x3 {
    private DepthwiseConv3x3() {}

    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = VectorMath.LANES;
    /** At most this many partial weight-gradient buffers per backward call. */
    private static final int MAX_PARTIALS = 32;

    public static void forward(EnginePool pool, Tensor x, Tensor weight, int strideH, int strideW, Tensor y) {
        checkWindowShapes("depthwise_conv3x3", x, strideH, strideW, y);
        checkWeight("depthwise_conv3x3", weight, x);
        if (!x.hasUnitInnerStride() || !y.hasUnitInnerStride()) {
            Tensor yc = Views.scratch(y);
            forward(pool, Views.contiguous(x), weight, strideH, strideW, yc);
            if (yc != y) y.copyFrom(yc);
            return;
        }
        Window win = new Window(x, y, strideH, strideW);
        float[] taps = tapMajor(weight);
        OuterIndex xAt = new OuterIndex(x, 3), yAt = new OuterIndex(y, 3);
        long outRows = xAt.count() * win.ho;
        int tasks = Split.tasks(outRows, 9L * win.wo * win.c, Integer.MAX_VALUE);
        pool.parallelFor(tasks, t -> {
            for (long r = Split.start(outRows, tasks, t), end = Split.start(outRows, tasks, t + 1); r < end; r++) {
                long image = r / win.ho;
                int i = (int) (r % win.ho);
                forwardRow(win, x.storage(), xAt.offset(image), y.storage(), yAt.offset(image) + i * win.ysH, i,
                        taps);
            }
        });
    }

    /**
     * Backward: dx (overwritten) and dweight (accumulated, [C, 1, 3, 3] like weight) from dy [..., Ho, Wo, C]
     * and the forward input x.
     */
    public static void backward(EnginePool pool, Tensor x, Tensor weight, Tensor dy, int strideH, int strideW,
                                Tensor dx, Tensor dweight) {
        checkWindowShapes("depthwise_conv3x3_backward", x, strideH, strideW, dy);
        checkWindowShapes("depthwise_conv3x3_backward", dx, strideH, strideW, dy);
        checkWeight("depthwise_conv3x3_backward", weight, x);
        checkWeight("depthwise_conv3x3_backward", dweight, x);
        if (!x.hasUnitInnerStride() || !dy.hasUnitInnerStride() || !dx.hasUnitInnerStride()) {
            Tensor dxc = Views.scratch(dx);
            backward(pool, Views.contiguous(x), weight, Views.contiguous(dy), strideH, strideW, dxc, dweight);
            if (dxc != dx) dx.copyFrom(dxc);
            return;
        }
        Window win = new Window(x, dy, strideH, strideW);
        float[] taps = tapMajor(weight);
        OuterIndex xAt = new OuterIndex(x, 3), dyAt = new OuterIndex(dy, 3), dxAt = new OuterIndex(dx, 3);
        long images = xAt.count();

        // dx, gathered row by row of the input.
        int[] outCol = Window.coveringOutputs(win.w, win.wo, strideW);
        int[] outRow = Window.coveringOutputs(win.h, win.ho, strideH);
        long inRows = images * win.h;
        long dxsH = dx.stride(-3), dxsW = dx.stride(-2);
        int rowTasks = Split.tasks(inRows, 9L * win.w * win.c, Integer.MAX_VALUE);
        pool.parallelFor(rowTasks, t -> {
            for (long r = Split.start(inRows, rowTasks, t), end = Split.start(inRows, rowTasks, t + 1); r < end;
                 r++) {
                long image = r / win.h;
                int row = (int) (r % win.h);
                backwardInputRow(win, dy.storage(), dyAt.offset(image), outRow, outCol, row, taps, dx.storage(),
                        dxAt.offset(image) + row * dxsH, dxsW);
            }
        });

        // dweight, one partial per group of images.
        int tasks = Split.tasks(images, 9L * win.ho * win.wo * win.c, MAX_PARTIALS);
        float[][] partial = new float[tasks][9 * win.c];
        pool.parallelFor(tasks, t -> {
            long first = Split.start(images, tasks, t), end = Split.start(images, tasks, t + 1);
            for (int ch = 0; ch < win.c; ch += LANES) {
                VectorMask<Float> m = SPECIES.indexInRange(ch, win.c);
                for (int tap = 0; tap < 9; tap++) {
                    FloatVector acc = FloatVector.zero(SPECIES);
                    for (long image = first; image < end; image++) {
                        acc = weightTap(win, x.storage(), xAt.offset(image) + ch, dy.storage(),
                                dyAt.offset(image) + ch, tap / 3, tap % 3, m, acc);
                    }
                    acc.intoArray(partial[t], tap * win.c + ch, m);
                }
            }
        });
        for (int ch = 0; ch < win.c; ch++) {
            for (int tap = 0; tap < 9; tap++) {
                float s = 0;
                for (float[] p : partial) s += p[tap * win.c + ch];
                dweight.set(dweight.get(ch, 0, tap / 3, tap % 3) + s, ch, 0, tap / 3, tap % 3);
            }
        }
    }

    /** One output row i of one image: y[i, :, :] (yRow is the element offset of y[i, 0, 0]). */
    private static void forwardRow(Window win, MemorySegment xs, long xImage, MemorySegment ys, long yRow, int i,
                                   float[] taps) {
        int c = win.c;
        int r0 = i * win.sh - 1;
        boolean top = r0 >= 0, bottom = r0 + 2 < win.h;
        long rowMid = xImage + (r0 + 1) * win.xsH;
        for (int ch = 0; ch < c; ch += LANES) {
            VectorMask<Float> m = SPECIES.indexInRange(ch, c);
            FloatVector w00 = tap(taps, 0, c, ch, m), w01 = tap(taps, 1, c, ch, m), w02 = tap(taps, 2, c, ch, m);
            FloatVector w10 = tap(taps, 3, c, ch, m), w11 = tap(taps, 4, c, ch, m), w12 = tap(taps, 5, c, ch, m);
            FloatVector w20 = tap(taps, 6, c, ch, m), w21 = tap(taps, 7, c, ch, m), w22 = tap(taps, 8, c, ch, m);
            for (int j = 0; j < win.wo; j++) {
                int q0 = j * win.sw - 1;
                FloatVector acc = FloatVector.zero(SPECIES);
                if (top) acc = tapRow(win, xs, rowMid - win.xsH + ch, q0, m, w00, w01, w02, acc);
                acc = tapRow(win, xs, rowMid + ch, q0, m, w10, w11, w12, acc);
                if (bottom) acc = tapRow(win, xs, rowMid + win.xsH + ch, q0, m, w20, w21, w22, acc);
                acc.intoMemorySegment(ys, (yRow + j * win.ysW + ch) * Float.BYTES, VectorMath.ORDER, m);
            }
        }
    }

    /** acc + the three taps of one kernel row at input columns q0..q0+2 (those inside the image). */
    private static FloatVector tapRow(Window win, MemorySegment xs, long rowOff, int q0, VectorMask<Float> m,
                                      FloatVector wLeft, FloatVector wMid, FloatVector wRight, FloatVector acc) {
        if (q0 >= 0) acc = load(xs, rowOff + q0 * win.xsW, m).fma(wLeft, acc);
        acc = load(xs, rowOff + (q0 + 1) * win.xsW, m).fma(wMid, acc);
        if (q0 + 2 < win.w) acc = load(xs, rowOff + (q0 + 2) * win.xsW, m).fma(wRight, acc);
        return acc;
    }

    /** dx[row, :, :] of one image, gathered from the outputs whose windows cover it. */
    private static void backwardInputRow(Window win, MemorySegment dys, long dyImage, int[] outRow, int[] outCol,
                                         int row, float[] taps, MemorySegment dxs, long dxRow, long dxsW) {
        int c = win.c;
        for (int ch = 0; ch < c; ch += LANES) {
            VectorMask<Float> m = SPECIES.indexInRange(ch, c);
            for (int q = 0; q < win.w; q++) {
                FloatVector acc = FloatVector.zero(SPECIES);
                for (int a = 0; a < 3; a++) {
                    int i = outRow[row * 3 + a];
                    if (i < 0) continue;
                    for (int b = 0; b < 3; b++) {
                        int j = outCol[q * 3 + b];
                        if (j < 0) continue;
                        FloatVector g = load(dys, dyImage + i * win.ysH + j * win.ysW + ch, m);
                        acc = g.fma(tap(taps, a * 3 + b, c, ch, m), acc);
                    }
                }
                acc.intoMemorySegment(dxs, (dxRow + q * dxsW + ch) * Float.BYTES, VectorMath.ORDER, m);
            }
        }
    }

    /** acc + Σ_ij dy[i, j]·x[i·sh - 1 + a, j·sw - 1 + b] over the outputs whose tap (a, b) is inside the image. */
    private static FloatVector weightTap(Window win, MemorySegment xs, long xImage, MemorySegment dys, long dyImage,
                                         int a, int b, VectorMask<Float> m, FloatVector acc) {
        int iFirst = Window.firstOutput(a), iEnd = Window.endOutput(a, win.sh, win.h, win.ho);
        int jFirst = Window.firstOutput(b), jEnd = Window.endOutput(b, win.sw, win.w, win.wo);
        for (int i = iFirst; i < iEnd; i++) {
            long xRow = xImage + (long) (i * win.sh - 1 + a) * win.xsH;
            long dyRow = dyImage + i * win.ysH;
            for (int j = jFirst; j < jEnd; j++) {
                FloatVector g = load(dys, dyRow + j * win.ysW, m);
                acc = g.fma(load(xs, xRow + (long) (j * win.sw - 1 + b) * win.xsW, m), acc);
            }
        }
        return acc;
    }

    private static FloatVector load(MemorySegment s, long elementOffset, VectorMask<Float> m) {
        return FloatVector.fromMemorySegment(SPECIES, s, elementOffset * Float.BYTES, VectorMath.ORDER, m);
    }

    private static FloatVector tap(float[] taps, int tap, int c, int ch, VectorMask<Float> m) {
        return FloatVector.fromArray(SPECIES, taps, tap * c + ch, m);
    }

    /** weight [C, 1, 3, 3] as taps[(a·3 + b)·C + c], so that a tap's weights for consecutive channels are adjacent. */
    private static float[] tapMajor(Tensor weight) {
        int c = weight.dim(0);
        float[] taps = new float[9 * c];
        for (int ch = 0; ch < c; ch++) {
            for (int tap = 0; tap < 9; tap++) taps[tap * c + ch] = weight.get(ch, 0, tap / 3, tap % 3);
        }
        return taps;
    }

    private static void checkWeight(String op, Tensor weight, Tensor x) {
        int c = x.dim(-1);
        if (weight.rank() != 4 || weight.dim(0) != c || weight.dim(1) != 1 || weight.dim(2) != 3
                || weight.dim(3) != 3) {
            throw new ShapeMismatchException(op + ": weight " + weight.shapeString() + " for input "
                    + x.shapeString() + ", expected [" + c + ", 1, 3, 3]");
        }
    }

    /** Shared by the 3×3 window kernels: x [..., H, W, C] and y [..., Ho, Wo, C]. */
    static void checkWindowShapes(String op, Tensor x, int strideH, int strideW, Tensor y) {
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException(op + ": strides must be >= 1");
        int r = x.rank();
        boolean ok = r >= 3 && y.rank() == r && y.dim(-1) == x.dim(-1)
                && y.dim(-3) == Pool3x3.outputSize(x.dim(-3), strideH)
                && y.dim(-2) == Pool3x3.outputSize(x.dim(-2), strideW);
        for (int d = 0; ok && d < r - 3; d++) ok = x.dim(d) == y.dim(d);
        if (!ok) {
            throw new ShapeMismatchException(op + ": input " + x.shapeString() + " with stride (" + strideH + ", "
                    + strideW + ") does not give output " + y.shapeString());
        }
    }
}
