package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * 3×3 max-pool with padding 1 (padded cells never win), channels last: the skip path of a down-sampling block.
 * x [..., H, W, C], y [..., Ho, Wo, C] with {@code Ho = Pool3x3.outputSize(H, strideH)}; outputs (y, dx) must not
 * overlap inputs.
 *
 * <p>The winner of a window is PyTorch's: taps are scanned row by row, and a tap replaces the current winner when it
 * is greater or NaN. So ties go to the first maximum in scan order, and a NaN wins (the last NaN). The forward
 * output is the winner's value; the backward routes each output gradient to its window's winner,
 * {@code dx[winner(i, j)] += dy[i, j]} (dx overwritten, zero where nothing is routed). It runs in two passes that
 * each write every element once: the winners' tap numbers, then dx gathered from the windows that cover each cell
 * (in a fixed order: the bits do not depend on the thread count).
 * Vectorized along C like {@link DepthwiseConv3x3}.
 */
public final class MaxPool3x3 {
    private MaxPool3x3() {}

    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = VectorMath.LANES;
    private static final ByteOrder ORDER = VectorMath.ORDER;

    public static void forward(EnginePool pool, Tensor x, int strideH, int strideW, Tensor y) {
        DepthwiseConv3x3.checkWindowShapes("max_pool3x3", x, strideH, strideW, y);
        if (!Window.direct(x, y)) {
            int c = x.dim(-1), width = Math.max(c, LANES);
            Tensor yw = Views.widenedZeros(y, -1, width);
            forward(pool, Views.widened(x, -1, width), strideH, strideW, yw);
            y.copyFrom(yw.slice(-1, 0, c));
            return;
        }
        Window win = new Window(x, y, strideH, strideW);
        int[] blocks = Window.channelBlocks(win.c);
        OuterIndex xAt = new OuterIndex(x, 3), yAt = new OuterIndex(y, 3);
        Window.forEachRow(pool, xAt.count(), win.ho, 9L * win.wo * win.c, (image, i) ->
                maxRow(win, x.storage(), xAt.offset(image), i, blocks, y.storage(), yAt.offset(image) + i * win.ysH));
    }

    /** Backward: dx (overwritten) from dy [..., Ho, Wo, C] and the forward input x. */
    public static void backward(EnginePool pool, Tensor x, Tensor dy, int strideH, int strideW, Tensor dx) {
        DepthwiseConv3x3.checkWindowShapes("max_pool3x3_backward", x, strideH, strideW, dy);
        DepthwiseConv3x3.checkWindowShapes("max_pool3x3_backward", dx, strideH, strideW, dy);
        if (!Window.direct(x, dy, dx)) {
            int c = x.dim(-1), width = Math.max(c, LANES);
            Tensor dxw = Views.widenedZeros(dx, -1, width);
            backward(pool, Views.widened(x, -1, width), Views.widened(dy, -1, width), strideH, strideW, dxw);
            dx.copyFrom(dxw.slice(-1, 0, c));
            return;
        }
        Window win = new Window(x, dy, strideH, strideW);
        int[] blocks = Window.channelBlocks(win.c);
        OuterIndex xAt = new OuterIndex(x, 3), dyAt = new OuterIndex(dy, 3), dxAt = new OuterIndex(dx, 3);
        long images = xAt.count();

        // Pass 1: each window's winning tap number, as floats [images, Ho, Wo, C].
        float[] winners = new float[Math.toIntExact(images * win.ho * win.wo * win.c)];
        Window.forEachRow(pool, images, win.ho, 9L * win.wo * win.c, (image, i) ->
                winnerRow(win, x.storage(), xAt.offset(image), i, blocks, winners,
                        (int) ((image * win.ho + i) * win.wo * win.c)));

        // Pass 2: dx gathered from the windows covering each input cell that it won.
        int[] outRow = Window.coveringOutputs(win.h, win.ho, strideH);
        int[] outCol = Window.coveringOutputs(win.w, win.wo, strideW);
        long dxsH = dx.stride(-3), dxsW = dx.stride(-2);
        Window.forEachRow(pool, images, win.h, 4L * win.w * win.c, (image, row) ->
                gatherRow(win, dy.storage(), dyAt.offset(image), winners, (int) (image * win.ho * win.wo * win.c),
                        outRow, outCol, row, blocks, dx.storage(), dxAt.offset(image) + row * dxsH, dxsW));
    }

    /** Output row i of one image: each window's winning value into y (element offset yRow of y[i, 0, 0]). */
    private static void maxRow(Window win, MemorySegment xs, long xImage, int i, int[] blocks, MemorySegment ys,
                               long yRow) {
        FloatVector minusInf = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int ch : blocks) {
            for (int j = 0; j < win.wo; j++) {
                FloatVector best = minusInf;
                for (int a = 0; a < 3; a++) {
                    int row = i * win.sh - 1 + a;
                    if (row < 0 || row >= win.h) continue;
                    for (int b = 0; b < 3; b++) {
                        int col = j * win.sw - 1 + b;
                        if (col < 0 || col >= win.w) continue;
                        FloatVector v = FloatVector.fromMemorySegment(SPECIES, xs,
                                (xImage + row * win.xsH + col * win.xsW + ch) * Float.BYTES, ORDER);
                        best = best.blend(v, v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN)));
                    }
                }
                best.intoMemorySegment(ys, (yRow + j * win.ysW + ch) * Float.BYTES, ORDER);
            }
        }
    }

    /**
     * Output row i of one image: each window's winning tap number (a·3 + b) into {@code winners} from index
     * {@code winnerRow}, columns C apart.
     */
    private static void winnerRow(Window win, MemorySegment xs, long xImage, int i, int[] blocks, float[] winners,
                                  int winnerRow) {
        // PyTorch starts from -inf and the first tap inside the image, which stays the winner if every tap is -inf.
        FloatVector minusInf = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int ch : blocks) {
            for (int j = 0; j < win.wo; j++) {
                FloatVector best = minusInf;
                FloatVector tap = FloatVector.broadcast(SPECIES, (i == 0 ? 3 : 0) + (j == 0 ? 1 : 0));
                for (int a = 0; a < 3; a++) {
                    int row = i * win.sh - 1 + a;
                    if (row < 0 || row >= win.h) continue;
                    for (int b = 0; b < 3; b++) {
                        int col = j * win.sw - 1 + b;
                        if (col < 0 || col >= win.w) continue;
                        FloatVector v = FloatVector.fromMemorySegment(SPECIES, xs,
                                (xImage + row * win.xsH + col * win.xsW + ch) * Float.BYTES, ORDER);
                        VectorMask<Float> wins = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
                        best = best.blend(v, wins);
                        tap = tap.blend(a * 3 + b, wins);
                    }
                }
                tap.intoArray(winners, winnerRow + j * win.c + ch);
            }
        }
    }

    /** dx[row, :, :] of one image: the sum of dy over the covering windows that this cell won. */
    private static void gatherRow(Window win, MemorySegment dys, long dyImage, float[] winners, int winnerImage,
                                  int[] outRow, int[] outCol, int row, int[] blocks, MemorySegment dxs, long dxRow,
                                  long dxsW) {
        for (int ch : blocks) {
            for (int q = 0; q < win.w; q++) {
                FloatVector acc = FloatVector.zero(SPECIES);
                for (int a = 0; a < 3; a++) {
                    int i = outRow[row * 3 + a];
                    if (i < 0) continue;
                    for (int b = 0; b < 3; b++) {
                        int j = outCol[q * 3 + b];
                        if (j < 0) continue;
                        FloatVector tap = FloatVector.fromArray(SPECIES, winners,
                                winnerImage + (i * win.wo + j) * win.c + ch);
                        VectorMask<Float> won = tap.compare(VectorOperators.EQ, a * 3 + b);
                        FloatVector g = FloatVector.fromMemorySegment(SPECIES, dys,
                                (dyImage + i * win.ysH + j * win.ysW + ch) * Float.BYTES, ORDER);
                        acc = acc.add(g, won);
                    }
                }
                acc.intoMemorySegment(dxs, (dxRow + q * dxsW + ch) * Float.BYTES, ORDER);
            }
        }
    }
}
