package dev.mast.nativelib.onednn;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * What the oneDNN layers with packed weights ({@link DnnlLinear}, {@link DnnlConvStem}, {@link DnnlDepthwiseConv3x3})
 * have in common: the engine that owns them, a plan per argument shapes and strides, closing under the engine's
 * lock, and a main primitive reading src, the packed weights, an optional bias and writing dst.
 */
abstract class DnnlLayer implements AutoCloseable {
    final DnnlEngine engine;
    final PlanCache plans;
    private boolean closed;

    /** @param op the operation's name in plan descriptions, e.g. "linear" */
    DnnlLayer(DnnlEngine engine, String op) {
        this.engine = engine;
        this.plans = new PlanCache(op);
    }

    /** Throws when the layer was closed; {@code what} names it. Under the engine's lock. */
    final void checkOpen(String what) {
        if (closed) throw new IllegalStateException(what + " is closed");
    }

    /**
     * The main step of a plan whose tensors are {src, dst}: primitive {@code p}, created with
     * {@link Primitive#layerArguments}{@code (bias != null)}, reading the weights packed in the layout it asked
     * for and the bias (if not null); {@code what} names the weights in errors.
     */
    final Plan.Main main(Primitive p, PackedWeights weights, MemorySegment bias, String what) {
        MemorySegment w = Plan.packedFor(engine, p, weights, what);
        return bias == null
                ? new Plan.Main(p, new int[] {0, -1, 1}, new MemorySegment[] {null, w, null})
                : new Plan.Main(p, new int[] {0, -1, -1, 1}, new MemorySegment[] {null, w, bias, null});
    }

    /** Number of compiled plans held. */
    public int cachedPlans() {
        return plans.size();
    }

    /** One line per cached plan: the arguments and what runs. */
    public void describeTo(List<String> lines) {
        plans.describeTo(lines);
    }

    /** Frees the cached primitives and the layer's own memory ({@link #free()}); closing twice is harmless. */
    @Override
    public final void close() {
        engine.lockForClose();
        try {
            if (closed) return;
            closed = true;
            plans.close();
            free();
            engine.forget(this);
        } finally {
            engine.exit();
        }
    }

    /** Frees this layer's share of the packed weights and its other memory. Called once, under the engine's lock. */
    abstract void free();
}
