package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

/**
 * Depthwise 3×3 convolution with padding 1 and no bias, channels last: the pooling op of pooling attention.
 *
 * <p>x [..., H, W, C] (any strides; the leading dimensions are independent images, e.g. batch and head),
 * weight [C, 1, 3, 3] (PyTorch layout), y [..., Ho, Wo, C] with {@code Ho = Pool3x3.outputSize(H, strideH)}.
 */
public final class DepthwiseConv3x3 {
    private DepthwiseConv3x3() {}

    public static void forward(EnginePool pool, Tensor x, Tensor weight, int strideH, int strideW, Tensor y) {
        checkWindowShapes("depthwise_conv3x3", x, strideH, strideW, y);
        int c = x.dim(-1);
        if (weight.rank() != 4 || weight.dim(0) != c || weight.dim(1) != 1 || weight.dim(2) != 3
                || weight.dim(3) != 3) {
            throw new ShapeMismatchException("depthwise_conv3x3: weight " + weight.shapeString() + " for input "
                    + x.shapeString() + ", expected [" + c + ", 1, 3, 3]");
        }
        ReferenceKernels.depthwiseConv3x3(x, weight, strideH, strideW, y);
    }

    /** Shared by the 3×3 window kernels: x [..., H, W, C] and y [..., Ho, Wo, C]. */
    static void checkWindowShapes(String op, Tensor x, int strideH, int strideW, Tensor y) {
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException(op + ": strides must be >= 1");
        int r = x.rank();
        boolean ok = r >= 3 && y.rank() == r && y.dim(-1) == x.dim(-1)
                && y.dim(-3) == Pool3x3.outputSize(x.dim(-3), strideH)
                && y.dim(-2) == Pool3x3.outputSize(x.dim(-2), strideW);
        for (int d = 0; ok && d < r - 3; d++) ok = x.dim(d) == y.dim(d);
        if (!ok) {
            throw new ShapeMismatchException(op + ": input " + x.shapeString() + " with stride (" + strideH + ", "
                    + strideW + ") does not give output " + y.shapeString());
        }
    }
}
