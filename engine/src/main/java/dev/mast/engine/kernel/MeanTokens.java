package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteOrder;

/**
 * Mean over the token axis: x [B, N, C] to y [B, C], the clip embedding. Forward {@code y = Σ_t x_t / N} (tokens
 * added in order); backward {@code dx_t = dy / N} for every token.
 */
public final class MeanTokens {
    private MeanTokens() {}

    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = VectorMath.LANES;
    private static final ByteOrder ORDER = VectorMath.ORDER;

    public static void forward(EnginePool pool, Tensor x, Tensor y) {
        Shapes.requireRank("mean_tokens", "x", x, 3);
        Shapes.require("mean_tokens", "y", y, x.dim(0), x.dim(2));
        if (!x.hasUnitInnerStride() || !y.hasUnitInnerStride()) {
            Tensor yc = Views.scratch(y);
            forward(pool, Views.contiguous(x), yc);
            if (yc != y) y.copyFrom(yc);
            return;
        }
        int batch = x.dim(0), n = x.dim(1), c = x.dim(2);
        int blocks = (c + LANES - 1) / LANES;
        long xsB = x.stride(0), xsN = x.stride(1), ysB = y.stride(0);
        int tasks = batch * blocks;
        pool.parallelFor(tasks, task -> {
            int b = task / blocks, ch = task % blocks * LANES;
            VectorMask<Float> m = SPECIES.indexInRange(ch, c);
            long xo = (x.offset() + b * xsB + ch) * Float.BYTES;
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int t = 0; t < n; t++) {
                acc = acc.add(FloatVector.fromMemorySegment(SPECIES, x.storage(), xo + t * xsN * Float.BYTES,
                        ORDER, m));
            }
            acc.div(n).intoMemorySegment(y.storage(), (y.offset() + b * ysB + ch) * Float.BYTES, ORDER, m);
        });
    }

    /** dx [B, N, C] = dy [B, C] / N for every token; dx is overwritten. */
    public static void backward(EnginePool pool, Tensor dy, Tensor dx) {
        Shapes.requireRank("mean_tokens_backward", "dx", dx, 3);
        Shapes.require("mean_tokens_backward", "dy", dy, dx.dim(0), dx.dim(2));
        if (!dx.hasUnitInnerStride() || !dy.hasUnitInnerStride()) {
            Tensor dxc = Views.scratch(dx);
            backward(pool, Views.contiguous(dy), dxc);
            if (dxc != dx) dx.copyFrom(dxc);
            return;
        }
        int batch = dx.dim(0), n = dx.dim(1), c = dx.dim(2);
        long dxsB = dx.stride(0), dxsN = dx.stride(1), dysB = dy.stride(0);
        long rows = (long) batch * n;
        int tasks = Split.tasks(rows, c, Integer.MAX_VALUE);
        pool.parallelFor(tasks, task -> {
            for (long r = Split.start(rows, tasks, task), end = Split.start(rows, tasks, task + 1); r < end; r++) {
                long b = r / n, t = r % n;
                long dyo = (dy.offset() + b * dysB) * Float.BYTES;
                long dxo = (dx.offset() + b * dxsB + t * dxsN) * Float.BYTES;
                for (int ch = 0; ch < c; ch += LANES) {
                    VectorMask<Float> m = SPECIES.indexInRange(ch, c);
                    FloatVector.fromMemorySegment(SPECIES, dy.storage(), dyo + (long) ch * Float.BYTES,
                            ORDER, m).div(n)
                            .intoMemorySegment(dx.storage(), dxo + (long) ch * Float.BYTES, ORDER, m);
                }
            }
        });
    }
}
