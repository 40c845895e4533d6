package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;

/**
 * Geometry of a 3×3, padding-1 window op on channels-last images (depthwise conv, max-pool): input x [..., H, W, C]
 * and output y [..., Ho, Wo, C]. Output (i, j) reads input rows i·sh - 1 + a and columns j·sw - 1 + b, taps
 * a, b in 0..2; taps in the padding are skipped.
 */
final class Window {
    final int h, w, c, ho, wo, sh, sw;
    /** Element strides of rows and columns of the input and output images (channels have stride 1). */
    final long xsH, xsW, ysH, ysW;

    /** Work on one row of one image (images numbered as {@link OuterIndex} numbers them). */
    @FunctionalInterface
    interface RowTask {
        void run(long image, int row);
    }

    Window(Tensor x, Tensor y, int sh, int sw) {
        this.h = x.dim(-3);
        this.w = x.dim(-2);
        this.c = x.dim(-1);
        this.ho = y.dim(-3);
        this.wo = y.dim(-2);
        this.sh = sh;
        this.sw = sw;
        this.xsH = x.stride(-3);
        this.xsW = x.stride(-2);
        this.ysH = y.stride(-3);
        this.ysW = y.stride(-2);
    }

    /**
     * Runs {@code task} on every row of {@code rows} rows of {@code images} images, the rows cut into tasks for
     * the pool by {@code workPerRow}. Each row is computed whole by one task, so the partition does not change
     * the results.
     */
    static void forEachRow(EnginePool pool, long images, int rows, long workPerRow, RowTask task) {
        long all = images * rows;
        int tasks = Split.tasks(all, workPerRow, Integer.MAX_VALUE);
        pool.parallelFor(tasks, t -> {
            for (long r = Split.start(all, tasks, t), end = Split.start(all, tasks, t + 1); r < end; r++) {
                task.run(r / rows, (int) (r % rows));
            }
        });
    }

    /**
     * The first channel of each vector block of C >= LANES channels: 0, LANES, 2·LANES, ..., and C - LANES when
     * LANES does not divide C. That last block overlaps the one before; kernels that write each output once compute
     * the shared channels twice, to the same bits, instead of a masked tail.
     */
    static int[] channelBlocks(int c) {
        int whole = c / VectorMath.LANES;
        boolean overlap = c % VectorMath.LANES != 0;
        int[] starts = new int[whole + (overlap ? 1 : 0)];
        for (int k = 0; k < whole; k++) starts[k] = k * VectorMath.LANES;
        if (overlap) starts[whole] = c - VectorMath.LANES;
        return starts;
    }

    /** Whether the vector code can run on these views directly: unit channel stride and at least LANES channels. */
    static boolean direct(Tensor... views) {
        for (Tensor t : views) {
            if (!t.hasUnitInnerStride() || t.dim(-1) < VectorMath.LANES) return false;
        }
        return true;
    }

    /**
     * For input index r in [0, n) and tap a: the output o in [0, outN) with o·stride - 1 + a == r, or -1 if there
     * is none. Entry r·3 + a.
     */
    static int[] coveringOutputs(int n, int outN, int stride) {
        int[] out = new int[3 * n];
        for (int r = 0; r < n; r++) {
            for (int a = 0; a < 3; a++) {
                int k = r + 1 - a;
                out[r * 3 + a] = k >= 0 && k % stride == 0 && k / stride < outN ? k / stride : -1;
            }
        }
        return out;
    }

    /** The first output o whose tap a lies inside the input (o·stride - 1 + a >= 0, any stride). */
    static int firstOutput(int a) {
        return a == 0 ? 1 : 0;
    }

    /** One past the last output o whose tap a lies inside an input of n (o·stride - 1 + a <= n - 1). */
    static int endOutput(int a, int stride, int n, int outN) {
        return Math.max(0, Math.min(outN, Math.floorDiv(n - a, stride) + 1));
    }
}
