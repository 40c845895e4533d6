package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
        int whole = n - n % LANES;
        VectorMask<Float> tail = SPECIES.indexInRange(whole, n);
        // Pass 1: the row maximum (max is exact, so the order of the lanes does not matter).
        FloatVector max = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < whole; i += LANES) {
            max = max.max(FloatVector.fromMemorySegment(SPECIES, xs, xOff + (long) i * Float.BYTES, VectorMath.ORDER));
        }
        if (whole < n) {
            max = max.max(FloatVector.fromMemorySegment(SPECIES, xs, xOff + (long) whole * Float.BYTES,
                    VectorMath.ORDER, tail).blend(Float.NEGATIVE_INFINITY, tail.not()));
        }
        FloatVector m = FloatVector.broadcast(SPECIES, max.reduceLanes(VectorOperators.MAX));

        // Pass 2: y = e^(x - m) and its sum; the tail repeats the main loop's exp with masked memory access (see
        // VectorMath for the recipe, and for why it is written out rather than called).
        FloatVector log2e = FloatVector.broadcast(SPECIES, VectorMath.LOG2E);
        FloatVector shift = FloatVector.broadcast(SPECIES, VectorMath.ROUND_SHIFT);
        FloatVector ln2Hi = FloatVector.broadcast(SPECIES, -VectorMath.LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(SPECIES, -VectorMath.LN2_LO);
        FloatVector e3 = FloatVector.broadcast(SPECIES, VectorMath.E3), e4 = FloatVector.broadcast(SPECIES, VectorMath.E4);
        FloatVector e5 = FloatVector.broadcast(SPECIES, VectorMath.E5), e6 = FloatVector.broadcast(SPECIES, VectorMath.E6);
        FloatVector e2 = FloatVector.broadcast(SPECIES, VectorMath.E2);
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, VectorMath.ORDER).sub(m);
            VectorMask<Float> underflow = a.compare(VectorOperators.LT, VectorMath.EXP_MIN);
            a = a.blend(VectorMath.EXP_MIN, underflow);
            FloatVector nShifted = a.fma(log2e, shift);
            IntVector twoToN = nShifted.reinterpretAsInts().sub(VectorMath.ROUND_SHIFT_BITS)
                    .lanewise(VectorOperators.LSHL, 23);
            FloatVector nf = nShifted.sub(shift);
            FloatVector r = nf.fma(ln2Hi, a);
            r = nf.fma(ln2Lo, r);
            FloatVector p = r.fma(e6, e5).fma(r, e4).fma(r, e3).fma(r, e2);
            FloatVector e = p.fma(r.mul(r), r).add(1f).reinterpretAsInts().add(twoToN).reinterpretAsFloats()
                    .blend(0f, underflow);
            e.intoMemorySegment(ys, yOff + o, VectorMath.ORDER);
            sum = sum.add(e);
        }
        if (whole < n) {
            long o = (long) whole * Float.BYTES;
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, VectorMath.ORDER, tail).sub(m);
            VectorMask<Float> underflow = a.compare(VectorOperators.LT, VectorMath.EXP_MIN).or(tail.not());
            a = a.blend(VectorMath.EXP_MIN, underflow);
            FloatVector nShifted = a.fma(log2e, shift);
            IntVector twoToN = nShifted.reinterpretAsInts().sub(VectorMath.ROUND_SHIFT_BITS)
                    .lanewise(VectorOperators.LSHL, 23);
            FloatVector nf = nShifted.sub(shift);
            FloatVector r = nf.fma(ln2Hi, a);
            r = nf.fma(ln2Lo, r);
            FloatVector p = r.fma(e6, e5).fma(r, e4).fma(r, e3).fma(r, e2);
            FloatVector e = p.fma(r.mul(r), r).add(1f).reinterpretAsInts().add(twoToN).reinterpretAsFloats()
                    .blend(0f, underflow);
            e.intoMemorySegment(ys, yOff + o, VectorMath.ORDER, tail);
            sum = sum.add(e);
        }

        // Pass 3: scale by 1/sum.
        FloatVector inv = FloatVector.broadcast(SPECIES, 1f / VectorMath.sum(sum));
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, VectorMath.ORDER).mul(inv)
                    .intoMemorySegment(ys, yOff + o, VectorMath.ORDER);
        }
        if (whole < n) {
            long o = (long) whole * Float.BYTES;
            FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, VectorMath.ORDER, tail).mul(inv)
                    .intoMemorySegment(ys, yOff + o, VectorMath.ORDER, tail);
        }
    }

    private static void backwardRow(MemorySegment ys, long yOff, MemorySegment dys, long dyOff, MemorySegment dxs,
                                    long dxOff, int n) {
        int whole = n - n % LANES;
        VectorMask<Float> tail = SPECIES.indexInRange(whole, n);
        // s = Σ dy·y (masked-off lanes load as 0 and add nothing)
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, VectorMath.ORDER);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, VectorMath.ORDER);
            acc = dy.fma(y, acc);
        }
        if (whole < n) {
            long o = (long) whole * Float.BYTES;
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, VectorMath.ORDER, tail);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, VectorMath.ORDER, tail);
            acc = dy.fma(y, acc);
        }
        FloatVector sum = FloatVector.broadcast(SPECIES, VectorMath.sum(acc));
        // dx = y·(dy - s)
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, VectorMath.ORDER);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, VectorMath.ORDER);
            y.mul(dy.sub(sum)).intoMemorySegment(dxs, dxOff + o, VectorMath.ORDER);
        }
        if (whole < n) {
            long o = (long) whole * Float.BYTES;
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, VectorMath.ORDER, tail);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, VectorMath.ORDER, tail);
            y.mul(dy.sub(sum)).intoMemorySegment(dxs, dxOff + o, VectorMath.ORDER, tail);
        }
    }
}
