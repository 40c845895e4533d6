package dev.mast.model.training;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.random.RandomGenerator;

/**
 * Stochastic depth with timm's semantics ({@code drop_path}, scale_by_keep): in training, each sample's residual
 * branch is kept with probability 1 − rate and then scaled by 1/(1 − rate), else dropped:
 * <pre>
 *   forward:  out[b] += s[b]·branch[b],   s[b] = 1/(1 − rate) with probability 1 − rate, else 0
 *   backward: dbranch[b] = s[b]·dout[b]
 * </pre>
 * One draw per sample per call of {@link #draw}, in sample order, from the caller's generator.
 */
final class DropPath {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final double rate;
    private float[] scale = new float[0];

    DropPath(double rate) {
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("drop-path rate must be in [0, 1), got " + rate);
        this.rate = rate;
    }

    /** Whether this branch is ever dropped (a zero rate leaves the block exactly as in inference). */
    boolean active() {
        return rate > 0;
    }

    /** Draws the per-sample scales of the next forward pass. */
    void draw(RandomGenerator rng, int batch) {
        if (rng == null) throw new IllegalArgumentException("drop-path needs a random generator (got null)");
        if (scale.length != batch) scale = new float[batch];
        float keep = (float) (1 - rate);
        for (int b = 0; b < batch; b++) scale[b] = rng.nextDouble() < 1 - rate ? 1f / keep : 0f;
    }

    /** A residual branch: writes its output [rows, D] into {@code out}, or adds it there when accumulating. */
    @FunctionalInterface
    interface Branch {
        void run(Tensor out, boolean accumulate);
    }

    /**
     * stream [B, N, D] += dp(branch): the branch adds straight into the stream when drop-path is off; otherwise
     * draws the scales and adds the scaled branch from a scratch copy.
     */
    void addBranch(TrainContext ctx, RandomGenerator rng, Tensor stream, Branch branch) {
        int rows = stream.dim(0) * stream.dim(1), d = stream.dim(2);
        if (!active()) {
            branch.run(stream.reshape(rows, d), true);
            return;
        }
        draw(rng, stream.dim(0));
        long mark = ctx.scratch.mark();
        Tensor b = ctx.scratch.allocate(stream.shape());
        branch.run(b.reshape(rows, d), false);
        addScaled(ctx.pool, b, stream);
        ctx.scratch.release(mark);
    }

    /** The gradient the branch sees for dstream [B, ...]: dstream itself, or its scaled copy (from ctx.scratch). */
    Tensor branchGradient(TrainContext ctx, Tensor dstream) {
        if (!active()) return dstream;
        Tensor g = ctx.scratch.allocate(dstream.shape());
        backward(ctx.pool, dstream, g);
        return g;
    }

    /** out[b] += s[b]·branch[b]; both [B, ...] contiguous. */
    void addScaled(EnginePool pool, Tensor branch, Tensor out) {
        axpy(pool, branch, out, true);
    }

    /** dbranch[b] = s[b]·dout[b]; both [B, ...] contiguous. */
    void backward(EnginePool pool, Tensor dout, Tensor dbranch) {
        axpy(pool, dout, dbranch, false);
    }

    private void axpy(EnginePool pool, Tensor x, Tensor y, boolean accumulate) {
        int batch = scale.length;
        if (x.dim(0) != batch || y.dim(0) != batch || !x.isContiguous() || !y.isContiguous() || x.size() != y.size()) {
            throw new ShapeMismatchException("drop-path over " + batch + " samples: " + x + ", " + y);
        }
        long n = x.size() / batch;
        MemorySegment xs = x.storage(), ys = y.storage();
        pool.parallelFor(batch, b -> {
            FloatVector s = FloatVector.broadcast(SPECIES, scale[b]);
            long xo = (x.offset() + b * n) * Float.BYTES, yo = (y.offset() + b * n) * Float.BYTES;
            long i = 0;
            for (; i <= n - SPECIES.length(); i += SPECIES.length()) {
                long o = i * Float.BYTES;
                FloatVector v = FloatVector.fromMemorySegment(SPECIES, xs, xo + o, ORDER).mul(s);
                if (accumulate) v = v.add(FloatVector.fromMemorySegment(SPECIES, ys, yo + o, ORDER));
                v.intoMemorySegment(ys, yo + o, ORDER);
            }
            for (; i < n; i++) {
                long o = i * Float.BYTES;
                float v = xs.get(ValueLayout.JAVA_FLOAT, xo + o) * scale[b];
                ys.set(ValueLayout.JAVA_FLOAT, yo + o, accumulate ? ys.get(ValueLayout.JAVA_FLOAT, yo + o) + v : v);
            }
        });
    }
}
