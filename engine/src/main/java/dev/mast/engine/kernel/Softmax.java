package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * Softmax over the last axis, numerically stable: {@code y_j = e^(x_j - m) / Σ_k e^(x_k - m)} with m the row
 * maximum, so no exponent exceeds 0. Entries more than 87 below the maximum (including -∞, a masked score) give
 * exactly 0. Backward: {@code dx = y ⊙ (dy - Σ_j dy_j·y_j)}, row by row.
 */
public final class Softmax {
    private Softmax() {}

    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = VectorMath.LANES;

    /** x, y [..., N]; y may be x. */
    public static void forward(EnginePool pool, Tensor x, Tensor y) {
        Shapes.requireSame("softmax", x, y);
        requireRows("softmax", x);
        Rows.each(pool, x, null, y, 8, (row, xs, xOff, unused, unusedOff, ys, yOff, n) ->
                forwardRow(xs, xOff, ys, yOff, n));
    }

    /**
     * Backward from the forward output: dx = y ⊙ (dy - rowsum(dy ⊙ y)). y, dy, dx [..., N]; dx is overwritten and
     * may be dy.
     */
    public static void backward(EnginePool pool, Tensor y, Tensor dy, Tensor dx) {
        Shapes.requireSame("softmax_backward", y, dy);
        Shapes.requireSame("softmax_backward", y, dx);
        requireRows("softmax_backward", y);
        Rows.each(pool, y, dy, dx, 3, (row, ys, yOff, dys, dyOff, dxs, dxOff, n) ->
                backwardRow(ys, yOff, dys, dyOff, dxs, dxOff, n));
    }

    private static void requireRows(String op, Tensor x) {
        if (x.rank() < 1) throw new IllegalArgumentException(op + ": needs at least one dimension, got a scalar");
    }

    private static void forwardRow(MemorySegment xs, long xOff, MemorySegment ys, long yOff, int n) {
        // Pass 1: the row maximum (max is exact, so lane order does not matter).
        FloatVector max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= n - LANES; i += LANES) {
            max = max.max(FloatVector.fromMemorySegment(SPECIES, xs, xOff + (long) i * Float.BYTES, VectorMath.ORDER));
        }
        VectorMask<Float> tail = SPECIES.indexInRange(i, n);
        if (i < n) {
            FloatVector x = FloatVector.fromMemorySegment(SPECIES, xs, xOff + (long) i * Float.BYTES, VectorMath.ORDER,
                    tail);
            max = max.max(x.blend(Float.NEGATIVE_INFINITY, tail.not()));
        }
        FloatVector m = FloatVector.broadcast(SPECIES, max.reduceLanes(VectorOperators.MAX));
        // Pass 2: e = exp(x - m) into y, and its sum.
        FloatVector sum = FloatVector.zero(SPECIES);
        for (i = 0; i <= n - LANES; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector e = VectorMath.expNonPositive(
                    FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, VectorMath.ORDER).sub(m));
            e.intoMemorySegment(ys, yOff + o, VectorMath.ORDER);
            sum = sum.add(e);
        }
        if (i < n) {
            long o = (long) i * Float.BYTES;
            FloatVector e = VectorMath.expNonPositive(
                    FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, VectorMath.ORDER, tail).sub(m));
            e.intoMemorySegment(ys, yOff + o, VectorMath.ORDER, tail);
            sum = sum.add(e.blend(0f, tail.not()));
        }
        // Pass 3: scale by 1/sum.
        FloatVector inv = FloatVector.broadcast(SPECIES, 1f / VectorMath.sumLanes(sum));
        for (i = 0; i <= n - LANES; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, VectorMath.ORDER).mul(inv)
                    .intoMemorySegment(ys, yOff + o, VectorMath.ORDER);
        }
        if (i < n) {
            long o = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, VectorMath.ORDER, tail).mul(inv)
                    .intoMemorySegment(ys, yOff + o, VectorMath.ORDER, tail);
        }
    }

    private static void backwardRow(MemorySegment ys, long yOff, MemorySegment dys, long dyOff, MemorySegment dxs,
                                    long dxOff, int n) {
        // s = Σ dy·y
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i <= n - LANES; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, VectorMath.ORDER);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, VectorMath.ORDER);
            acc = dy.fma(y, acc);
        }
        VectorMask<Float> tail = SPECIES.indexInRange(i, n);
        if (i < n) {
            long o = (long) i * Float.BYTES;
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, VectorMath.ORDER, tail);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, VectorMath.ORDER, tail);
            acc = dy.fma(y, acc);
        }
        FloatVector s = FloatVector.broadcast(SPECIES, VectorMath.sumLanes(acc));
        // dx = y·(dy - s)
        for (i = 0; i <= n - LANES; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, VectorMath.ORDER);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, VectorMath.ORDER);
            y.mul(dy.sub(s)).intoMemorySegment(dxs, dxOff + o, VectorMath.ORDER);
        }
        if (i < n) {
            long o = (long) i * Float.BYTES;
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, VectorMath.ORDER, tail);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, VectorMath.ORDER, tail);
            y.mul(dy.sub(s)).intoMemorySegment(dxs, dxOff + o, VectorMath.ORDER, tail);
        }
    }
}
