package dev.mast.model.layer;

import dev.mast.engine.kernel.Im2Col;
import dev.mast.engine.tensor.Tensor;
import dev.mast.model.backend.Backend;
import dev.mast.model.backend.StemOp;

import java.util.List;

/**
 * The patch stem {@code patch_embed.proj}: a one-channel Conv2d to C channels with bias, kernel (kh, kw), stride
 * and zero padding, producing the token grid channels-last.
 */
public final class PatchEmbed implements Layer {
    private final Backend backend;
    private final Parameter weight;
    private final Parameter bias;
    private final int strideH, strideW, padH, padW;
    private StemOp op;

    public PatchEmbed(int channels, int[] kernel, int[] stride, int[] padding, ParameterSource src, Backend backend) {
        this.backend = backend;
        int fanIn = kernel[0] * kernel[1];
        this.weight = new Parameter("patch_embed.proj.weight", Parameter.Kind.WEIGHT,
                src.take(new ParameterSpec("patch_embed.proj.weight", Parameter.Kind.WEIGHT,
                        new int[] {channels, 1, kernel[0], kernel[1]}, ParameterSpec.Init.UNIFORM_FAN_IN, fanIn,
                        false)));
        this.bias = new Parameter("patch_embed.proj.bias", Parameter.Kind.BIAS,
                src.take(new ParameterSpec("patch_embed.proj.bias", Parameter.Kind.BIAS, new int[] {channels},
                        ParameterSpec.Init.UNIFORM_FAN_IN, fanIn, false)));
        this.strideH = stride[0];
        this.strideW = stride[1];
        this.padH = padding[0];
        this.padW = padding[1];
        this.op = prepare();
    }

    private StemOp prepare() {
        return backend.stem(weight.value(), bias.value(), strideH, strideW, padH, padW);
    }

    public int channels() {
        return op.channels();
    }

    /** The kernel [C, 1, kh, kw]. */
    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    /** Kernel size, stride and padding. */
    public Im2Col.Geometry geometry() {
        Tensor w = weight.value();
        return new Im2Col.Geometry(w.dim(2), w.dim(3), strideH, strideW, padH, padW);
    }

    /** The token grid for an image of {@code height} × {@code width}. */
    public Grid grid(int height, int width) {
        return new Grid(op.outputHeight(height), op.outputWidth(width));
    }

    /** image [B, H, W] (any strides) to out [B, Ho, Wo, C]. */
    public void forward(ForwardContext ctx, Tensor image, Tensor out) {
        op.forward(image, out, ctx.ws());
    }

    @Override
    public void collectParameters(List<Parameter> out) {
        out.add(weight);
        out.add(bias);
    }

    @Override
    public void repack() {
        StemOp fresh = prepare();
        op.close();
        op = fresh;
    }

    @Override
    public void close() {
        op.close();
    }
}
