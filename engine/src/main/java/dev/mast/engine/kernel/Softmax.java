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
import java.nio.ByteOrder;

/**
 * Softmax over the last axis, numerically stable: {@code y_j = e^(x_j - m) / Σ_k e^(x_k - m)} with m the row
 * maximum, so no exponent exceeds 0. Entries more than 87 below the maximum (including -∞, a masked score) give
 * exactly 0. Backward: {@code dx = y ⊙ (dy - Σ_j dy_j·y_j)}, row by row.
 */
public final class Softmax {
    private Softmax() {}

    private static final VectorSpecies<Float> SPECIES = VectorMath.SPECIES;
    private static final int LANES = VectorMath.LANES;
    private static final ByteOrder ORDER = VectorMath.ORDER;

    /** x, y [..., N]; y may be x. */
    public static void forward(EnginePool pool, Tensor x, Tensor y) {
        Shapes.requireSame("softmax", x, y);
        requireRows("softmax", x);
        if (Rows.needsCopy(x, null, y)) {
            Tensor yc = Views.scratch(y);
            forward(pool, Views.contiguous(x), yc);
            if (yc != y) y.copyFrom(yc);
            return;
        }
        if (x.size() == 0) return;
        int n = x.dim(-1);
        OuterIndex xAt = new OuterIndex(x, 1), yAt = new OuterIndex(y, 1);
        long rows = xAt.count();
        int tasks = Split.tasks(rows, 8L * n, Integer.MAX_VALUE);
        pool.parallelFor(tasks, t -> {
            for (long r = Split.start(rows, tasks, t), end = Split.start(rows, tasks, t + 1); r < end; r++) {
                forwardRow(x.storage(), xAt.offset(r) * Float.BYTES, y.storage(), yAt.offset(r) * Float.BYTES, n);
            }
        });
    }

    /**
     * Backward from the forward output: dx = y ⊙ (dy - rowsum(dy ⊙ y)). y, dy, dx [..., N]; dx is overwritten and
     * may be dy.
     */
    public static void backward(EnginePool pool, Tensor y, Tensor dy, Tensor dx) {
        Shapes.requireSame("softmax_backward", y, dy);
        Shapes.requireSame("softmax_backward", y, dx);
        requireRows("softmax_backward", y);
        if (Rows.needsCopy(y, dy, dx)) {
            Tensor dxc = Views.scratch(dx);
            backward(pool, Views.contiguous(y), Views.contiguous(dy), dxc);
            if (dxc != dx) dx.copyFrom(dxc);
            return;
        }
        if (y.size() == 0) return;
        int n = y.dim(-1);
        OuterIndex yAt = new OuterIndex(y, 1), dyAt = new OuterIndex(dy, 1), dxAt = new OuterIndex(dx, 1);
        long rows = yAt.count();
        int tasks = Split.tasks(rows, 3L * n, Integer.MAX_VALUE);
        pool.parallelFor(tasks, t -> {
            for (long r = Split.start(rows, tasks, t), end = Split.start(rows, tasks, t + 1); r < end; r++) {
                backwardRow(y.storage(), yAt.offset(r) * Float.BYTES, dy.storage(), dyAt.offset(r) * Float.BYTES,
                        dx.storage(), dxAt.offset(r) * Float.BYTES, n);
            }
        });
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
            max = max.max(FloatVector.fromMemorySegment(SPECIES, xs, xOff + (long) i * Float.BYTES, ORDER));
        }
        if (whole < n) {
            max = max.max(FloatVector.fromMemorySegment(SPECIES, xs, xOff + (long) whole * Float.BYTES,
                    ORDER, tail).blend(Float.NEGATIVE_INFINITY, tail.not()));
        }
        FloatVector m = FloatVector.broadcast(SPECIES, max.reduceLanes(VectorOperators.MAX));

        // Pass 2: y = e^(x - m) and its sum; the tail repeats the main loop's exp with masked memory access (see
        // VectorMath for the recipe, and for why it is written out rather than called).
        FloatVector log2e = FloatVector.broadcast(SPECIES, VectorMath.LOG2E);
        FloatVector shift = FloatVector.broadcast(SPECIES, VectorMath.ROUND_SHIFT);
        FloatVector ln2Hi = FloatVector.broadcast(SPECIES, -VectorMath.LN2_HI);
        FloatVector ln2Lo = FloatVector.broadcast(SPECIES, -VectorMath.LN2_LO);
        FloatVector e2 = FloatVector.broadcast(SPECIES, VectorMath.E2);
        FloatVector e3 = FloatVector.broadcast(SPECIES, VectorMath.E3);
        FloatVector e4 = FloatVector.broadcast(SPECIES, VectorMath.E4);
        FloatVector e5 = FloatVector.broadcast(SPECIES, VectorMath.E5);
        FloatVector e6 = FloatVector.broadcast(SPECIES, VectorMath.E6);
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER).sub(m);
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
            e.intoMemorySegment(ys, yOff + o, ORDER);
            sum = sum.add(e);
        }
        if (whole < n) {
            long o = (long) whole * Float.BYTES;
            FloatVector a = FloatVector.fromMemorySegment(SPECIES, xs, xOff + o, ORDER, tail).sub(m);
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
            e.intoMemorySegment(ys, yOff + o, ORDER, tail);
            sum = sum.add(e);
        }

        // Pass 3: scale by 1/sum.
        FloatVector inv = FloatVector.broadcast(SPECIES, 1f / VectorMath.sum(sum));
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, ORDER).mul(inv)
                    .intoMemorySegment(ys, yOff + o, ORDER);
        }
        if (whole < n) {
            long o = (long) whole * Float.BYTES;
            FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, ORDER, tail).mul(inv)
                    .intoMemorySegment(ys, yOff + o, ORDER, tail);
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
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, ORDER);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER);
            acc = dy.fma(y, acc);
        }
        if (whole < n) {
            long o = (long) whole * Float.BYTES;
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, ORDER, tail);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER, tail);
            acc = dy.fma(y, acc);
        }
        FloatVector sum = FloatVector.broadcast(SPECIES, VectorMath.sum(acc));
        // dx = y·(dy - s)
        for (int i = 0; i < whole; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, ORDER);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER);
            y.mul(dy.sub(sum)).intoMemorySegment(dxs, dxOff + o, ORDER);
        }
        if (whole < n) {
            long o = (long) whole * Float.BYTES;
            FloatVector y = FloatVector.fromMemorySegment(SPECIES, ys, yOff + o, ORDER, tail);
            FloatVector dy = FloatVector.fromMemorySegment(SPECIES, dys, dyOff + o, ORDER, tail);
            y.mul(dy.sub(sum)).intoMemorySegment(dxs, dxOff + o, ORDER, tail);
        }
    }
}
