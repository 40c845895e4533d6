package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;

/** Mean over the token axis: x [B, N, C] to y [B, C], the clip embedding. */
public final class MeanTokens {
    private MeanTokens() {}

    public static void forward(EnginePool pool, Tensor x, Tensor y) {
        Shapes.requireRank("mean_tokens", "x", x, 3);
        Shapes.require("mean_tokens", "y", y, x.dim(0), x.dim(2));
        ReferenceKernels.meanTokens(x, y);
    }
}
