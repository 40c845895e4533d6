package dev.mast.nativelib.onednn;

import dev.mast.engine.kernel.Sgemm;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;

import static dev.mast.jextract.dnnl.dnnl_h.*;

/** Batched matmul {@code c = alpha·a·b (+ c)} on tensor views: {@link DnnlEngine#matmul}. */
final class MatmulOp {
    private static final Plan.Role[] ROLES = {Plan.Role.IN, Plan.Role.IN, Plan.Role.OUT};
    private static final Plan.Role[] ROLES_ACCUMULATE = {Plan.Role.IN, Plan.Role.IN, Plan.Role.IN_OUT};

    private MatmulOp() {}

    /** Sgemm.matmul's shape rules, and oneDNN's limit on the rank. */
    static void check(Tensor a, Tensor b, Tensor c) {
        Sgemm.checkShapes(a, b, c);
        if (c.rank() > DNNL_MAX_NDIMS()) {
            throw new IllegalArgumentException("matmul: oneDNN takes at most " + DNNL_MAX_NDIMS()
                    + " dimensions, got c " + c.shapeString());
        }
    }

    static void run(DnnlEngine engine, PlanCache plans, Tensor a, Tensor b, Tensor c, float alpha,
                    boolean accumulate) {
        if (c.size() == 0) return;
        if (a.dim(-1) == 0) { // an empty sum: oneDNN rejects zero-sized dimensions
            if (!accumulate) c.fill(0f);
            return;
        }
        Key.Builder key = engine.key().add(alpha).add(accumulate ? 1 : 0).add(a).add(b).add(c);
        Plan plan = plans.get(key, () -> Plan.build(engine,
                "matmul " + a.shapeString() + " x " + b.shapeString() + " -> " + c.shapeString(),
                new Tensor[] {a, b, c}, accumulate ? ROLES_ACCUMULATE : ROLES,
                views -> compile(engine, views, alpha, accumulate)));
        engine.run(plan, new MemorySegment[] {
                DnnlEngine.buffer(a, "matmul a"), DnnlEngine.buffer(b, "matmul b"), DnnlEngine.buffer(c, "matmul c")});
    }

    private static Plan.Main compile(DnnlEngine engine, View[] v, float alpha, boolean accumulate) {
        try (MemoryDesc src = MemoryDesc.of(v[0]); MemoryDesc wei = MemoryDesc.of(v[1]);
             MemoryDesc dst = MemoryDesc.of(v[2]); Attributes attr = Attributes.create(false, alpha, accumulate)) {
            Primitive p = Primitive.create(engine.handle(), "matmul", out -> dnnl_matmul_primitive_desc_create(out,
                    engine.handle(), src.handle, wei.handle, MemorySegment.NULL, dst.handle, attr.handle),
                    DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(), DNNL_ARG_DST());
            return p == null ? null : new Plan.Main(p, new int[] {0, 1, 2}, new MemorySegment[3]);
        }
    }

    /** 'N' for a row-major matrix, 'T' for a transposed one (unit stride down the rows); else an error. */
    static char transposeFlag(String op, String name, Tensor m) {
        if (m.rank() != 2) throw new IllegalArgumentException(op + ": " + name + " must be a matrix, got " + m);
        if (m.stride(1) == 1 || m.dim(1) == 1) return 'N';
        if (m.stride(0) == 1 || m.dim(0) == 1) return 'T';
        throw new IllegalArgumentException(op + ": " + name + " " + m + " needs unit stride in one dimension");
    }

    /** BLAS leading dimension of a matrix stored as {@code flag} says. */
    static long leadingDimension(Tensor m, char flag) {
        return flag == 'N'
                ? (m.dim(0) > 1 ? m.stride(0) : Math.max(1, m.dim(1)))
                : (m.dim(1) > 1 ? m.stride(1) : Math.max(1, m.dim(0)));
    }
}
