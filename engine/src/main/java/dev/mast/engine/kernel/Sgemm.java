package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

/**
 * Single-precision matrix multiplication on tensor views: {@code c = alpha·a·b (+ c)}.
 *
 * <p>{@code a} is [..., m, k], {@code b} [..., k, n] and {@code c} [..., m, n] with equal leading (batch)
 * dimensions; any strides, so {@code Q·Kᵀ} is {@code matmul(q, k.transpose(-2, -1), scores, scale, false)}.
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
        ReferenceKernels.matmul(a, b, c, alpha, accumulate);
    }

    static void checkShapes(Tensor a, Tensor b, Tensor c) {
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
