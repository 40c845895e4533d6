package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * Runs an elementwise kernel over up to three views of one shape, on the pool: long spans when every view is
 * contiguous, else one row (last dimension) at a time. A view whose last dimension is strided (a transposed view)
 * goes through a contiguous copy: correct but slow, as such views are rare here.
 */
final class Rows {
    private Rows() {}

    /** Elements per task of an elementwise kernel on contiguous views: a multiple of every vector length. */
    private static final int SPAN = 1 << 13;

    /** An elementwise kernel over {@code n} consecutive floats of each operand; offsets in bytes. */
    @FunctionalInterface
    interface Span {
        void apply(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n);
    }

    /** out = op(a, b) elementwise; {@code b} may be null (unary kernels); out may be a or b. */
    static void elementwise(EnginePool pool, Tensor a, Tensor b, Tensor out, Span op) {
        if (needsCopy(a, b, out)) {
            Tensor oc = Views.scratch(out);
            elementwise(pool, Views.contiguous(a), b == null ? null : Views.contiguous(b), oc, op);
            if (oc != out) out.copyFrom(oc);
            return;
        }
        Tensor bb = b == null ? a : b;
        long n = a.size();
        if (n == 0) return;
        if (!(a.isContiguous() && bb.isContiguous() && out.isContiguous())) {
            int c = a.dim(-1);
            OuterIndex ai = new OuterIndex(a, 1), bi = new OuterIndex(bb, 1), oi = new OuterIndex(out, 1);
            long rows = ai.count();
            int tasks = Split.tasks(rows, c, Integer.MAX_VALUE);
            pool.parallelFor(tasks, t -> {
                for (long r = Split.start(rows, tasks, t), end = Split.start(rows, tasks, t + 1); r < end; r++) {
                    op.apply(a.storage(), ai.offset(r) * Float.BYTES, bb.storage(), bi.offset(r) * Float.BYTES,
                            out.storage(), oi.offset(r) * Float.BYTES, c);
                }
            });
            return;
        }
        int tasks = Math.toIntExact((n + SPAN - 1) / SPAN);
        pool.parallelFor(tasks, t -> {
            long start = (long) t * SPAN;
            int len = (int) Math.min(SPAN, n - start);
            op.apply(a.storage(), (a.offset() + start) * Float.BYTES, bb.storage(),
                    (bb.offset() + start) * Float.BYTES, out.storage(), (out.offset() + start) * Float.BYTES, len);
        });
    }

    /** Whether a view among a, b (may be null) and out has a strided last dimension. */
    static boolean needsCopy(Tensor a, Tensor b, Tensor out) {
        return !a.hasUnitInnerStride() || (b != null && !b.hasUnitInnerStride()) || !out.hasUnitInnerStride();
    }
}
