package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

/**
 * Single-precision matrix multiplication on tensor views: {@code c = alpha·a·b (+ c)}.
 *
 * <p>{@code a} is [..., m, k], {@code b} [..., k, n] and {@code c} [..., m, n] with equal leading (batch)
 * dimensions; any strides, so {@code Q·Kᵀ} is {@code matmul(q, k.transpose(-2, -1), scores, scale, false)}.
 *
 * <p>Each call packs b once (all threads, into the calling thread's buffer, see {@link GemmScratch}); rows of a
 * with unit column stride are read in place (other a are packed block by block); the register-blocked
 * micro-kernel of {@link GemmKernel} then computes output tiles on the pool's threads, and the result is the same
 * for any thread count. Steady-state calls allocate no off-heap memory (a few small heap objects per call).
 * For a fixed weight, {@link PackedLinear} packs once at construction instead.
 *
 * <p>Thread-safe: concurrent calls use separate buffers. {@code c} must not overlap {@code a} or {@code b}.
 */
public final class Sgemm {
    private Sgemm() {}

    /** c = a·b. */
    public static void matmul(EnginePool pool, Tensor a, Tensor b, Tensor c) {
        matmul(pool, a, b, c, 1f, false);
    }

    /** c = alpha·a·b, or c += alpha·a·b when {@code accumulate}. */
    public static void matmul(EnginePool pool, Tensor a, Tensor b, Tensor c, float alpha, boolean accumulate) {
        checkShapes(a, b, c);
        if (c.size() == 0) return;
        GemmTask.matmul(a, b, c, alpha, accumulate, pool.threads()).run(pool);
    }

    /**
     * {@link #matmul}'s shape rules (a [..., m, k], b [..., k, n], c [..., m, n], equal leading dimensions), for
     * other implementations of it: a {@link ShapeMismatchException} naming the three shapes otherwise.
     */
    public static void checkShapes(Tensor a, Tensor b, Tensor c) {
        int r = c.rank();
        boolean ok = r >= 2 && a.rank() == r && b.rank() == r
                && a.dim(-2) == c.dim(-2) && b.dim(-1) == c.dim(-1) && a.dim(-1) == b.dim(-2);
        for (int d = 0; ok && d < r - 2; d++) ok = a.dim(d) == c.dim(d) && b.dim(d) == c.dim(d);
        if (!ok) {
            throw new ShapeMismatchException("matmul: a " + a.shapeString() + " times b " + b.shapeString()
                    + " does not give c " + c.shapeString());
        }
    }
}
