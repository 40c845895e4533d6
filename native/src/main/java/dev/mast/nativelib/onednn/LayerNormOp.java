package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;

import static dev.mast.jextract.dnnl.dnnl_h.*;

/** LayerNorm over the last axis with scale and shift: {@link DnnlEngine#layerNorm}. */
final class LayerNormOp {
    private static final Plan.Role[] ROLES = {Plan.Role.IN, Plan.Role.IN, Plan.Role.IN, Plan.Role.OUT};

    private LayerNormOp() {}

    /** LayerNorm.forward's shape rules. */
    static void check(Tensor x, Tensor gamma, Tensor beta, Tensor y) {
        Shapes.requireSame("layer_norm", x, y);
        if (x.rank() < 1) throw new IllegalArgumentException("layer_norm: x must have at least one dimension");
        Shapes.require("layer_norm", "gamma", gamma, x.dim(-1));
        Shapes.require("layer_norm", "beta", beta, x.dim(-1));
    }

    static void run(DnnlEngine engine, PlanCache plans, Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y) {
        if (x.size() == 0) return;
        Key.Builder key = engine.key().add(eps).add(x).add(gamma).add(beta).add(y);
        Plan plan = plans.get(key, () -> Plan.build(engine, "layer_norm " + x, new Tensor[] {x, gamma, beta, y},
                ROLES, views -> compile(engine, views, eps)));
        engine.run(plan, new MemorySegment[] {DnnlEngine.buffer(x, "layer_norm x"),
                DnnlEngine.buffer(gamma, "layer_norm gamma"), DnnlEngine.buffer(beta, "layer_norm beta"),
                DnnlEngine.buffer(y, "layer_norm y")});
    }

    private static Plan.Main compile(DnnlEngine engine, View[] v, float eps) {
        View x = v[0].collapseLeading(1), y = v[3].collapseLeading(1);
        // oneDNN 3.13's layer norm (jit:uni) accepts rows with a stride wider than C but computes as if they were
        // dense (wrong results), so only dense rows run in place.
        if (x == null || y == null || !x.isDense() || !y.isDense()) return null;
        try (MemoryDesc src = MemoryDesc.of(x); MemoryDesc dst = MemoryDesc.of(y); Attributes attr = Attributes.plain()) {
            Primitive p = Primitive.create(engine.handle(), "layer_norm", out ->
                            dnnl_layer_normalization_forward_primitive_desc_create(out, engine.handle(),
                                    dnnl_forward_inference(), src.handle, dst.handle, MemorySegment.NULL, eps,
                                    dnnl_use_scale() | dnnl_use_shift(), attr.handle),
                    DNNL_ARG_SRC(), DNNL_ARG_SCALE(), DNNL_ARG_SHIFT(), DNNL_ARG_DST());
            return p == null ? null : new Plan.Main(p, new int[] {0, 1, 2, 3}, new MemorySegment[4]);
        }
    }
}
