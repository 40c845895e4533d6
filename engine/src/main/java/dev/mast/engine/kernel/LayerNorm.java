package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;

/** LayerNorm over the last axis: {@code y = (x - mean)/sqrt(var + eps)·gamma + beta}, biased variance. */
public final class LayerNorm {
    private LayerNorm() {}

    /** x, y [..., C]; gamma, beta [C]; y may be x. */
    public static void forward(EnginePool pool, Tensor x, Tensor gamma, Tensor beta, float eps, Tensor y) {
        Shapes.requireSame("layer_norm", x, y);
        Shapes.require("layer_norm", "gamma", gamma, x.dim(-1));
        Shapes.require("layer_norm", "beta", beta, x.dim(-1));
        ReferenceKernels.layerNorm(x, gamma, beta, eps, y);
    }
}
