package dev.mast.nativelib.onednn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.mast.jextract.dnnl.dnnl_h.*;

/**
 * Primitive attributes: a user-provided scratchpad (carved from the engine's scratch memory, so primitives own no
 * hidden buffers) and the post-ops applied, in order, to the primitive's result before it is stored.
 */
final class Attributes implements AutoCloseable {
    final MemorySegment handle;
    private final MemorySegment postOps;

    private Attributes(MemorySegment handle, MemorySegment postOps) {
        this.handle = handle;
        this.postOps = postOps;
    }

    /** Attributes with no post-ops. */
    static Attributes plain() {
        return create(false, 1f, false);
    }

    /**
     * @param gelu       apply exact (erf) GELU to the result
     * @param scale      multiply the result by this (skipped when 1)
     * @param accumulate add the result to what the destination holds: dst = dst + result
     */
    static Attributes create(boolean gelu, float scale, boolean accumulate) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            DnnlException.check(dnnl_primitive_attr_create(out), "dnnl_primitive_attr_create", "attributes");
            MemorySegment attr = out.get(ValueLayout.ADDRESS, 0);
            DnnlException.check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user()),
                    "dnnl_primitive_attr_set_scratchpad_mode", "user scratchpad");
            MemorySegment ops = MemorySegment.NULL;
            if (gelu || scale != 1f || accumulate) {
                DnnlException.check(dnnl_post_ops_create(out), "dnnl_post_ops_create", "post-ops");
                ops = out.get(ValueLayout.ADDRESS, 0);
                if (gelu) {
                    DnnlException.check(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_gelu_erf(), 0f, 0f),
                            "dnnl_post_ops_append_eltwise", "gelu_erf");
                }
                if (scale != 1f) {
                    DnnlException.check(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_linear(), scale, 0f),
                            "dnnl_post_ops_append_eltwise", "linear scale " + scale);
                }
                if (accumulate) {
                    DnnlException.check(dnnl_post_ops_append_sum(ops, 1f, 0, dnnl_f32()),
                            "dnnl_post_ops_append_sum", "accumulate");
                }
                DnnlException.check(dnnl_primitive_attr_set_post_ops(attr, ops), "dnnl_primitive_attr_set_post_ops",
                        "post-ops");
            }
            return new Attributes(attr, ops);
        }
    }

    @Override
    public void close() {
        if (!postOps.equals(MemorySegment.NULL)) dnnl_post_ops_destroy(postOps);
        dnnl_primitive_attr_destroy(handle);
    }
}
