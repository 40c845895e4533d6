package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;

/**
 * 3×3 max-pool with padding 1 (padded cells never win), channels last: the skip path of a down-sampling block.
 * x [..., H, W, C], y [..., Ho, Wo, C] with {@code Ho = Pool3x3.outputSize(H, strideH)}.
 */
public final class MaxPool3x3 {
    private MaxPool3x3() {}

    public static void forward(EnginePool pool, Tensor x, int strideH, int strideW, Tensor y) {
        DepthwiseConv3x3.checkWindowShapes("max_pool3x3", x, strideH, strideW, y);
        ReferenceKernels.maxPool3x3(x, strideH, strideW, y);
    }
}
