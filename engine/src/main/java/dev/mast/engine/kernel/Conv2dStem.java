package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;

import java.lang.foreign.Arena;

/**
 * Convolution of a one-channel image to C channels with any kernel, stride and zero padding: the patch stem
 * (MViTv2's 7×7/4/3, LAPE's 16×16/10/0). Output is channels last, i.e. the token sequence.
 *
 * <p>Immutable after construction; safe to use from several threads at once (each call brings its workspace).
 */
public final class Conv2dStem {
    private final Tensor weight;
    private final Tensor bias;
    private final int kernelH, kernelW, strideH, strideW, padH, padW;

    /**
     * @param weight [C, 1, kh, kw] (PyTorch layout)
     * @param bias   [C], or null
     * @param owner  owns this layer's copy of the parameters
     */
    public Conv2dStem(Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW, Arena owner) {
        if (weight.rank() != 4 || weight.dim(1) != 1) {
            throw new ShapeMismatchException("conv stem: weight must be [C, 1, kh, kw], got " + weight.shapeString());
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
            throw new ShapeMismatchException("conv stem: bias " + bias.shapeString() + " for weight "
                    + weight.shapeString());
        }
        if (strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv stem: bad stride/padding");
        }
        this.weight = Tensor.allocate(owner, weight.shape()).copyFrom(weight);
        this.bias = bias == null ? null : Tensor.allocate(owner, bias.shape()).copyFrom(bias);
        this.kernelH = weight.dim(2);
        this.kernelW = weight.dim(3);
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
    }

    public int channels() {
        return weight.dim(0);
    }

    /** Output rows for an input of height {@code h}. */
    public int outputHeight(int h) {
        return (h + 2 * padH - kernelH) / strideH + 1;
    }

    /** Output columns for an input of width {@code w}. */
    public int outputWidth(int w) {
        return (w + 2 * padW - kernelW) / strideW + 1;
    }

    /**
     * image [B, H, W] (any strides: the (B, T, F) spectrogram transposed is fine) to out [B, Ho, Wo, C].
     * {@code ws} provides scratch memory, released before returning.
     */
    public void forward(EnginePool pool, Tensor image, Tensor out, Workspace ws) {
        if (image.rank() != 3 || out.rank() != 4 || out.dim(0) != image.dim(0)
                || out.dim(1) != outputHeight(image.dim(1)) || out.dim(2) != outputWidth(image.dim(2))
                || out.dim(3) != channels() || outputHeight(image.dim(1)) < 1 || outputWidth(image.dim(2)) < 1) {
            throw new ShapeMismatchException("conv stem " + kernelH + "x" + kernelW + "/" + strideH + "x" + strideW
                    + ": input " + image.shapeString() + " does not give output " + out.shapeString());
        }
        ReferenceKernels.conv2dSingleChannel(image, weight, bias, strideH, strideW, padH, padW, out);
    }
}
