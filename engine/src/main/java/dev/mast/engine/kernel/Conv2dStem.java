package dev.mast.engine.kernel;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.Workspace;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Convolution of a one-channel image to C channels with any kernel, stride and zero padding: the patch stem
 * (MViTv2's 7×7/4/3, LAPE's 16×16/10/0). Output is channels last, i.e. the token sequence.
 *
 * <p>Computed as im2col + GEMM: every output position's kh·kw input window (zeros where it hangs over the
 * padding) becomes one row of a patch matrix in workspace memory, and the patch matrix times the weight [C, kh·kw]
 * (packed once, as a {@link PackedLinear}) with the bias gives the tokens directly in channels-last order.
 *
 * <p>Immutable after construction; safe to use from several threads at once (each call brings its workspace).
 */
public final class Conv2dStem {
    private final PackedLinear patchProjection;
    private final int kernelH, kernelW, strideH, strideW, padH, padW;

    /**
     * @param weight [C, 1, kh, kw] (PyTorch layout)
     * @param bias   [C], or null
     * @param owner  owns this layer's copy of the parameters
     */
    public Conv2dStem(Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW, Arena owner) {
        checkParameters(weight, bias, strideH, strideW, padH, padW);
        this.kernelH = weight.dim(2);
        this.kernelW = weight.dim(3);
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        try (Arena staging = Arena.ofConfined()) {
            // [C, 1, kh, kw] in any strides -> [C, kh·kw]; PackedLinear keeps its own copy in owner.
            Tensor flat = Tensor.allocate(staging, weight.shape()).copyFrom(weight)
                    .reshape(weight.dim(0), kernelH * kernelW);
            this.patchProjection = new PackedLinear(flat, bias, owner);
        }
    }

    /**
     * The constructor's argument checks, for other implementations of the stem: a weight [C, 1, kh, kw], a bias
     * [C] or null, strides of at least 1 and non-negative padding.
     */
    public static void checkParameters(Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW) {
        if (weight.rank() != 4 || weight.dim(1) != 1) {
            throw new ShapeMismatchException("conv stem: weight must be [C, 1, kh, kw], got " + weight.shapeString());
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
            throw new ShapeMismatchException("conv stem: bias " + bias.shapeString() + " for weight "
                    + weight.shapeString());
        }
        if (strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv stem: stride must be >= 1 and padding >= 0, got stride "
                    + strideH + "x" + strideW + ", padding " + padH + "x" + padW);
        }
    }

    public int channels() {
        return patchProjection.outFeatures();
    }

    /** Output rows for an input of height {@code h} (less than 1 when the padded input is smaller than the kernel). */
    public int outputHeight(int h) {
        return Math.floorDiv(h + 2 * padH - kernelH, strideH) + 1;
    }

    /** Output columns for an input of width {@code w}. */
    public int outputWidth(int w) {
        return Math.floorDiv(w + 2 * padW - kernelW, strideW) + 1;
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
        int batch = image.dim(0), ho = out.dim(1), wo = out.dim(2);
        long mark = ws.mark();
        try {
            Tensor patches = ws.allocate(batch, ho, wo, kernelH * kernelW);
            pool.parallelFor(batch * ho, row -> im2colRow(image, row / ho, row % ho, patches));
            patchProjection.forward(pool, patches, out, Epilogue.NONE);
        } finally {
            ws.release(mark);
        }
    }

    /** Writes the input windows of output row {@code i} of image {@code b} into {@code patches[b, i, :, :]}. */
    private void im2colRow(Tensor image, int b, int i, Tensor patches) {
        MemorySegment src = image.storage(), dst = patches.storage();
        int h = image.dim(1), w = image.dim(2), wo = patches.dim(2), kk = kernelH * kernelW;
        long sb = image.stride(0), sh = image.stride(1), sw = image.stride(2);
        long d = patches.offset() + ((long) b * patches.dim(1) + i) * wo * kk;
        for (int j = 0; j < wo; j++) {
            for (int di = 0; di < kernelH; di++) {
                int r = i * strideH - padH + di;
                boolean rowInside = r >= 0 && r < h;
                long rowStart = image.offset() + b * sb + r * sh;
                for (int dj = 0; dj < kernelW; dj++, d++) {
                    int q = j * strideW - padW + dj;
                    float v = rowInside && q >= 0 && q < w ? src.getAtIndex(ValueLayout.JAVA_FLOAT, rowStart + q * sw) : 0f;
                    dst.setAtIndex(ValueLayout.JAVA_FLOAT, d, v);
                }
            }
        }
    }
}
