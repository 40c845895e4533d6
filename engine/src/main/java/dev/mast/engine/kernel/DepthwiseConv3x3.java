package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Depthwise 3×3 convolution with padding 1 and no bias, channels last: the pooling op of pooling attention.
 *
 * <p>x [..., H, W, C] (any strides; the leading dimensions are independent images, e.g. batch and head),
 * weight [C, 1, 3, 3] (PyTorch layout), y [..., Ho, Wo, C] with {@code Ho = Pool3x3.outputSize(H, strideH)};
 * outputs (y, dx) must not overlap inputs.
 * With taps (a, b) in 0..2 and zero padding:
 * <pre>
 *   forward:  y[i, j, c]  = Σ_ab x[i·sh - 1 + a, j·sw - 1 + b, c]·w[c, a, b]
 *   backward: dx[r, q, c] = Σ over (i, a), (j, b) with r = i·sh - 1 + a, q = j·sw - 1 + b of dy[i, j, c]·w[c, a, b]
 *             dw[c, a, b] += Σ_images Σ_ij dy[i, j, c]·x[i·sh - 1 + a, j·sw - 1 + b, c]
 * </pre>
 * Vectorized along C in blocks of one vector (see {@link Window#channelBlocks}); views with a strided channel
 * dimension or fewer channels than one vector go through a widened copy. dx is gathered (each element written once,
 * so it needs no zeroing and no locks); dw is summed per task over a fixed group of images and the task results
 * added in task order, so the bits do not depend on the thread count. dw is accumulated ({@code +=}).
 */
public final class DepthwiseConv3x3 {
    private DepthwiseConv3x3() {}

    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = VectorMath.LANES;
    private static final ByteOrder ORDER = VectorMath.ORDER;
    /** At most this many partial weight-gradient buffers per backward call. */
    private static final int MAX_PARTIALS = 32;

    public static void forward(EnginePool pool, Tensor x, Tensor weight, int strideH, int strideW, Tensor y) {
        checkWindowShapes("depthwise_conv3x3", x, strideH, strideW, y);
        checkWeight("depthwise_conv3x3", weight, x);
        if (!Window.direct(x, y)) {
            int c = x.dim(-1), width = Math.max(c, LANES);
            Tensor yw = Views.widenedZeros(y, -1, width);
            forward(pool, Views.widened(x, -1, width), Views.widened(weight, 0, width), strideH, strideW, yw);
            y.copyFrom(yw.slice(-1, 0, c));
            return;
        }
        Window win = new Window(x, y, strideH, strideW);
        float[] taps = tapMajor(weight);
        int[] blocks = Window.channelBlocks(win.c);
        OuterIndex xAt = new OuterIndex(x, 3), yAt = new OuterIndex(y, 3);
        Window.forEachRow(pool, xAt.count(), win.ho, 9L * win.wo * win.c, (image, i) ->
                forwardRow(win, x.storage(), xAt.offset(image), y.storage(), yAt.offset(image) + i * win.ysH, i,
                        taps, blocks));
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
        if (!Window.direct(x, dy, dx)) {
            int c = x.dim(-1), width = Math.max(c, LANES);
            Tensor dxw = Views.widenedZeros(dx, -1, width), dww = Views.widened(dweight, 0, width);
            backward(pool, Views.widened(x, -1, width), Views.widened(weight, 0, width), Views.widened(dy, -1, width),
                    strideH, strideW, dxw, dww);
            dx.copyFrom(dxw.slice(-1, 0, c));
            dweight.copyFrom(dww.slice(0, 0, c));
            return;
        }
        Window win = new Window(x, dy, strideH, strideW);
        float[] taps = tapMajor(weight);
        int[] blocks = Window.channelBlocks(win.c);
        OuterIndex xAt = new OuterIndex(x, 3), dyAt = new OuterIndex(dy, 3), dxAt = new OuterIndex(dx, 3);
        long images = xAt.count();

        // dx, gathered row by row of the input.
        int[] outRow = Window.coveringOutputs(win.h, win.ho, strideH);
        int[] outCol = Window.coveringOutputs(win.w, win.wo, strideW);
        long dxsH = dx.stride(-3), dxsW = dx.stride(-2);
        Window.forEachRow(pool, images, win.h, 9L * win.w * win.c, (image, row) ->
                backwardInputRow(win, dy.storage(), dyAt.offset(image), outRow, outCol, row, taps, blocks,
                        dx.storage(), dxAt.offset(image) + row * dxsH, dxsW));

        // dweight, one partial per group of images, added in task order.
        int tasks = Split.tasks(images, 9L * win.ho * win.wo * win.c, MAX_PARTIALS);
        float[][] partial = new float[tasks][9 * win.c];
        pool.parallelFor(tasks, t -> weightGradient(win, x.storage(), xAt, dy.storage(), dyAt,
                Split.start(images, tasks, t), Split.start(images, tasks, t + 1), blocks, partial[t]));
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
                                   float[] taps, int[] blocks) {
        int c = win.c, w = win.w;
        int r0 = i * win.sh - 1;
        boolean top = r0 >= 0, bottom = r0 + 2 < win.h;
        long rowMid = xImage + (r0 + 1) * win.xsH;
        long xsW = win.xsW;
        for (int ch : blocks) {
            FloatVector w00 = FloatVector.fromArray(SPECIES, taps, ch);
            FloatVector w01 = FloatVector.fromArray(SPECIES, taps, c + ch);
            FloatVector w02 = FloatVector.fromArray(SPECIES, taps, 2 * c + ch);
            FloatVector w10 = FloatVector.fromArray(SPECIES, taps, 3 * c + ch);
            FloatVector w11 = FloatVector.fromArray(SPECIES, taps, 4 * c + ch);
            FloatVector w12 = FloatVector.fromArray(SPECIES, taps, 5 * c + ch);
            FloatVector w20 = FloatVector.fromArray(SPECIES, taps, 6 * c + ch);
            FloatVector w21 = FloatVector.fromArray(SPECIES, taps, 7 * c + ch);
            FloatVector w22 = FloatVector.fromArray(SPECIES, taps, 8 * c + ch);
            long above = (rowMid - win.xsH + ch) * Float.BYTES, mid = (rowMid + ch) * Float.BYTES;
            long below = (rowMid + win.xsH + ch) * Float.BYTES;
            for (int j = 0; j < win.wo; j++) {
                int q0 = j * win.sw - 1;
                boolean left = q0 >= 0, right = q0 + 2 < w;
                long qL = q0 * xsW * Float.BYTES, qM = qL + xsW * Float.BYTES, qR = qM + xsW * Float.BYTES;
                FloatVector acc = FloatVector.zero(SPECIES);
                if (top) {
                    if (left) acc = FloatVector.fromMemorySegment(SPECIES, xs, above + qL, ORDER).fma(w00, acc);
                    acc = FloatVector.fromMemorySegment(SPECIES, xs, above + qM, ORDER).fma(w01, acc);
                    if (right) acc = FloatVector.fromMemorySegment(SPECIES, xs, above + qR, ORDER).fma(w02, acc);
                }
                if (left) acc = FloatVector.fromMemorySegment(SPECIES, xs, mid + qL, ORDER).fma(w10, acc);
                acc = FloatVector.fromMemorySegment(SPECIES, xs, mid + qM, ORDER).fma(w11, acc);
                if (right) acc = FloatVector.fromMemorySegment(SPECIES, xs, mid + qR, ORDER).fma(w12, acc);
                if (bottom) {
                    if (left) acc = FloatVector.fromMemorySegment(SPECIES, xs, below + qL, ORDER).fma(w20, acc);
                    acc = FloatVector.fromMemorySegment(SPECIES, xs, below + qM, ORDER).fma(w21, acc);
                    if (right) acc = FloatVector.fromMemorySegment(SPECIES, xs, below + qR, ORDER).fma(w22, acc);
                }
                acc.intoMemorySegment(ys, (yRow + j * win.ysW + ch) * Float.BYTES, ORDER);
            }
        }
    }

    /** dx[row, :, :] of one image, gathered from the outputs whose windows cover it. */
    private static void backwardInputRow(Window win, MemorySegment dys, long dyImage, int[] outRow, int[] outCol,
                                         int row, float[] taps, int[] blocks, MemorySegment dxs, long dxRow,
                                         long dxsW) {
        int c = win.c;
        for (int ch : blocks) {
            for (int q = 0; q < win.w; q++) {
                FloatVector acc = FloatVector.zero(SPECIES);
                for (int a = 0; a < 3; a++) {
                    int i = outRow[row * 3 + a];
                    if (i < 0) continue;
                    for (int b = 0; b < 3; b++) {
                        int j = outCol[q * 3 + b];
                        if (j < 0) continue;
                        FloatVector g = FloatVector.fromMemorySegment(SPECIES, dys,
                                (dyImage + i * win.ysH + j * win.ysW + ch) * Float.BYTES, ORDER);
                        acc = g.fma(FloatVector.fromArray(SPECIES, taps, (a * 3 + b) * c + ch), acc);
                    }
                }
                acc.intoMemorySegment(dxs, (dxRow + q * dxsW + ch) * Float.BYTES, ORDER);
            }
        }
    }

    /**
     * partial[(a·3 + b)·C + c] = Σ over images [first, end) and outputs (i, j) whose tap (a, b) is inside the image
     * of dy[i, j, c]·x[i·sh - 1 + a, j·sw - 1 + b, c]: a fixed order per channel.
     */
    private static void weightGradient(Window win, MemorySegment xs, OuterIndex xAt, MemorySegment dys,
                                       OuterIndex dyAt, long first, long end, int[] blocks, float[] partial) {
        for (int ch : blocks) {
            for (int tap = 0; tap < 9; tap++) {
                int a = tap / 3, b = tap % 3;
                int iFirst = Window.firstOutput(a), iEnd = Window.endOutput(a, win.sh, win.h, win.ho);
                int jFirst = Window.firstOutput(b), jEnd = Window.endOutput(b, win.sw, win.w, win.wo);
                FloatVector acc = FloatVector.zero(SPECIES);
                for (long image = first; image < end; image++) {
                    long xImage = xAt.offset(image) + ch, dyImage = dyAt.offset(image) + ch;
                    for (int i = iFirst; i < iEnd; i++) {
                        long xRow = xImage + (long) (i * win.sh - 1 + a) * win.xsH;
                        long dyRow = dyImage + i * win.ysH;
                        for (int j = jFirst; j < jEnd; j++) {
                            FloatVector g = FloatVector.fromMemorySegment(SPECIES, dys,
                                    (dyRow + j * win.ysW) * Float.BYTES, ORDER);
                            FloatVector v = FloatVector.fromMemorySegment(SPECIES, xs,
                                    (xRow + (long) (j * win.sw - 1 + b) * win.xsW) * Float.BYTES, ORDER);
                            acc = g.fma(v, acc);
                        }
                    }
                }
                acc.intoArray(partial, tap * win.c + ch);
            }
        }
    }

    /** weight [C, 1, 3, 3] as taps[(a·3 + b)·C + c]: a tap's weights for consecutive channels side by side. */
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
