package dev.mast.engine.kernel;

import dev.mast.engine.kernel.GemmKernel.Strided;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * One call's {@code C = epilogue(A·B)} over a batch of matrices: B is packed once (by {@link PackedLinear} at
 * construction, or here in a first parallel pass), then the output is cut into tiles that the pool's threads
 * take in any order. Tiles are whole multiples of the micro-tile and never split K, so every element of C is
 * computed by the same operations whatever the thread count.
 */
final class GemmTask {
    private final int[] batchDims;
    private final long[] aBatchStrides, bBatchStrides, cBatchStrides;
    private final Strided a, b, c;
    private final GemmKernel.TileEpilogue epilogue;
    private final int m, n, k, panels;
    private final int batches, rowTile, colTile, rowTiles, colTiles, tiles;
    /** Packed B: the layer's weight (same for every batch), or this call's buffer (one packed B per batch). */
    private MemorySegment packedB;
    private final long packedBatchBytes;

    private GemmTask(int[] batchDims, long[] aBatchStrides, long[] bBatchStrides, long[] cBatchStrides,
                     Strided a, Strided b, MemorySegment packedB, Strided c, GemmKernel.TileEpilogue epilogue,
                     int m, int n, int k, int threads) {
        this.batchDims = batchDims;
        this.aBatchStrides = aBatchStrides;
        this.bBatchStrides = bBatchStrides;
        this.cBatchStrides = cBatchStrides;
        this.a = a;
        this.b = b;
        this.packedB = packedB;
        this.c = c;
        this.epilogue = epilogue;
        this.m = m;
        this.n = n;
        this.k = k;
        this.panels = ceilDiv(n, GemmKernel.NR);
        this.packedBatchBytes = packedB != null ? 0 : (long) panels * GemmKernel.NR * k * Float.BYTES;
        long allBatches = 1;
        for (int d : batchDims) allBatches *= d;

        // Rows up to MC per tile, all columns; with several threads, cut rows (then columns) until there are
        // enough tiles for the dynamic schedule to balance.
        int rt = Math.min(roundUp(m, GemmKernel.MR), GemmKernel.MC);
        int ct = roundUp(n, GemmKernel.NR);
        long wanted = threads == 1 ? 1 : 4L * threads;
        while (allBatches * ceilDiv(m, rt) * ceilDiv(n, ct) < wanted) {
            if (rt > 2 * GemmKernel.MR) {
                rt = roundUp(rt / 2, GemmKernel.MR);
            } else if (ct > GemmKernel.NR) {
                ct = roundUp(ct / 2, GemmKernel.NR);
            } else {
                break;
            }
        }
        this.rowTile = rt;
        this.colTile = ct;
        this.rowTiles = ceilDiv(m, rt);
        this.colTiles = ceilDiv(n, ct);
        long all = allBatches * rowTiles * colTiles;
        if (all > Integer.MAX_VALUE || allBatches * panels > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("matmul of " + all + " tiles is too large");
        }
        this.batches = (int) allBatches;
        this.tiles = (int) all;
    }

    /** c = alpha·a·b (+ c) for batched views a [..., m, k], b [..., k, n], c [..., m, n] with equal leading dims. */
    static GemmTask matmul(Tensor a, Tensor b, Tensor c, float alpha, boolean accumulate, int threads) {
        int r = c.rank();
        int[] dims = new int[r - 2];
        long[] as = new long[r - 2], bs = new long[r - 2], cs = new long[r - 2];
        for (int d = 0; d < r - 2; d++) {
            dims[d] = c.dim(d);
            as[d] = a.stride(d);
            bs[d] = b.stride(d);
            cs[d] = c.stride(d);
        }
        return new GemmTask(dims, as, bs, cs, matrix(a), matrix(b), null, matrix(c),
                new GemmKernel.TileEpilogue(alpha, accumulate, null, false), c.dim(-2), c.dim(-1), a.dim(-1),
                threads);
    }

    /**
     * y = epilogue(x·Wᵀ + bias) for x [..., in] and y [..., out], W packed once as B panels. The leading dims are
     * flattened into rows when both views allow it (any row stride); otherwise they must match and are a batch.
     */
    static GemmTask linear(Tensor x, Tensor y, MemorySegment packedW, MemorySegment bias, Epilogue epilogue,
                           int threads) {
        int in = x.dim(-1), out = y.dim(-1);
        GemmKernel.TileEpilogue e = new GemmKernel.TileEpilogue(1f, epilogue == Epilogue.ACCUMULATE, bias,
                epilogue == Epilogue.GELU);
        long xRowStride = flatRowStride(x), yRowStride = flatRowStride(y);
        if (xRowStride != NOT_FLAT && yRowStride != NOT_FLAT) {
            int rows = (int) (y.size() / out);
            Strided xs = new Strided(x.storage(), x.offset(), xRowStride, x.stride(-1));
            Strided ys = new Strided(y.storage(), y.offset(), yRowStride, y.stride(-1));
            return new GemmTask(new int[0], new long[0], new long[0], new long[0], xs, null, packedW, ys, e,
                    rows, out, in, threads);
        }
        int r = x.rank();
        boolean same = y.rank() == r;
        for (int d = 0; same && d < r - 1; d++) same = x.dim(d) == y.dim(d);
        if (!same) {
            throw new ShapeMismatchException("linear " + in + "->" + out + ": input " + x.shapeString()
                    + " and output " + y.shapeString() + " need the same leading dimensions");
        }
        int[] dims = new int[r - 2];
        long[] xs = new long[r - 2], ys = new long[r - 2];
        for (int d = 0; d < r - 2; d++) {
            dims[d] = x.dim(d);
            xs[d] = x.stride(d);
            ys[d] = y.stride(d);
        }
        return new GemmTask(dims, xs, new long[r - 2], ys, matrix(x), null, packedW, matrix(y), e,
                x.dim(-2), out, in, threads);
    }

    /** Runs the call on the pool and returns when C is complete. */
    void run(EnginePool pool) {
        if (packedB == null) {
            packedB = GemmScratch.current().packedB(Math.max(1, batches * packedBatchBytes));
            pool.parallelFor(batches * panels, this::packPanel);
        }
        pool.parallelFor(tiles, this::computeTile);
    }

    /** Packs column panel {@code task % panels} of batch {@code task / panels} of B over the whole depth. */
    private void packPanel(int task) {
        int batch = task / panels, q = task % panels;
        int j = q * GemmKernel.NR;
        GemmKernel.packB(at(b, bBatchStrides, batch), 0, k, j, Math.min(n, j + GemmKernel.NR), packedB,
                batch * packedBatchBytes + (long) q * k * GemmKernel.NR * Float.BYTES);
    }

    private void computeTile(int tile) {
        int perBatch = rowTiles * colTiles;
        int batch = tile / perBatch, t = tile % perBatch;
        int m0 = (t / colTiles) * rowTile, n0 = (t % colTiles) * colTile;
        GemmKernel.multiplyTile(GemmScratch.current(), at(a, aBatchStrides, batch), packedB,
                batch * packedBatchBytes, at(c, cBatchStrides, batch), epilogue,
                m0, Math.min(m, m0 + rowTile), n0, Math.min(n, n0 + colTile), k);
    }

    /** The batch-th matrix of a batched operand. */
    private Strided at(Strided s, long[] batchStrides, int batch) {
        if (batchDims.length == 0) return s;
        long offset = s.offset();
        for (int d = batchDims.length - 1; d >= 0; d--) {
            offset += (batch % batchDims[d]) * batchStrides[d];
            batch /= batchDims[d];
        }
        return new Strided(s.seg(), offset, s.rowStride(), s.colStride());
    }

    private static Strided matrix(Tensor t) {
        return new Strided(t.storage(), t.offset(), t.stride(-2), t.stride(-1));
    }

    private static final long NOT_FLAT = Long.MIN_VALUE;

    /**
     * The row stride of {@code t} [..., cols] seen as one matrix [rows, cols], or NOT_FLAT when its leading
     * dimensions cannot be merged into one strided dimension without a copy.
     */
    private static long flatRowStride(Tensor t) {
        int r = t.rank();
        if (r == 1) return 0;
        int rows = t.dim(r - 2);
        long stride = t.stride(r - 2);
        for (int d = r - 3; d >= 0; d--) {
            if (t.dim(d) == 1) continue;
            if (rows == 1) {
                rows = t.dim(d);
                stride = t.stride(d);
            } else if (t.stride(d) == stride * rows) {
                rows *= t.dim(d);
            } else {
                return NOT_FLAT;
            }
        }
        return stride;
    }

    private static int roundUp(int v, int multiple) {
        return Math.max(multiple, (v + multiple - 1) / multiple * multiple);
    }

    private static int ceilDiv(int v, int d) {
        return Math.max(1, (v + d - 1) / d);
    }
}
