package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;

import static dev.mast.jextract.dnnl.dnnl_h.*;

/** Softmax over the last axis: {@link DnnlEngine#softmax}. */
final class SoftmaxOp {
    private static final Plan.Role[] ROLES = {Plan.Role.IN, Plan.Role.OUT};

    private SoftmaxOp() {}

    /** Softmax.forward's shape rules. */
    static void check(Tensor x, Tensor y) {
        Shapes.requireSame("softmax", x, y);
        if (x.rank() < 1) throw new IllegalArgumentException("softmax: x must have at least one dimension");
    }

    static void run(DnnlEngine engine, PlanCache plans, Tensor x, Tensor y) {
        if (x.size() == 0) return;
        Key.Builder key = engine.key().add(x).add(y);
        Plan plan = plans.get(key, () -> Plan.build(engine, "softmax " + x, new Tensor[] {x, y}, ROLES,
                views -> compile(engine, views)));
        engine.run(plan, new MemorySegment[] {DnnlEngine.buffer(x, "softmax x"), DnnlEngine.buffer(y, "softmax y")});
    }

    private static Plan.Main compile(DnnlEngine engine, View[] v) {
        View x = v[0].collapseLeading(1), y = v[1].collapseLeading(1);
        if (x == null || y == null) return null;
        try (MemoryDesc src = MemoryDesc.of(x); MemoryDesc dst = MemoryDesc.of(y); Attributes attr = Attributes.plain()) {
            Primitive p = Primitive.create(engine.handle(), "softmax", out ->
                            dnnl_softmax_forward_primitive_desc_create(out, engine.handle(), dnnl_forward_inference(),
                                    dnnl_softmax_accurate(), src.handle, dst.handle, 1, attr.handle),
                    DNNL_ARG_SRC(), DNNL_ARG_DST());
            return p == null ? null : new Plan.Main(p, new int[] {0, 1}, new MemorySegment[2]);
        }
    }
}
