package dev.mast.nativelib.onednn;

import dev.mast.engine.kernel.Conv2dStem;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The patch stem on oneDNN: convolution of a one-channel image to C channels with any kernel, stride and zero
 * padding, writing channels-last tokens; {@code Conv2dStem}'s contract.
 *
 * <p>image [B, H, W] and out [B, Ho, Wo, C] with {@code Ho = (H + 2·padH - kh)/strideH + 1}. A dense image and a
 * dense output are used in place; other views (e.g. the (B, T, F) spectrogram transposed) are copied to dense
 * buffers first. The weight [C, 1, kh, kw] is reordered once into the layout oneDNN's convolution picks; the bias
 * is copied. Like {@link DnnlLinear}, a stem re-created on another engine ({@link DnnlEngine#convStem(DnnlConvStem)})
 * shares the packed weights.
 */
public final class DnnlConvStem extends DnnlLayer {
    private final int channels;
    private final ConvGeometry geometry;
    private final PackedWeights weights;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment bias;

    /** Under the engine's lock. */
    DnnlConvStem(DnnlEngine engine, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW) {
        super(engine, "conv_stem");
        Conv2dStem.checkParameters(weight, bias, strideH, strideW, padH, padW);
        this.channels = weight.dim(0);
        this.geometry = new ConvGeometry(weight.dim(2), weight.dim(3), strideH, strideW, padH, padW);
        try {
            this.bias = bias == null ? null : Tensor.allocate(arena, bias.shape()).copyFrom(bias).storage();
            try (Arena tmp = Arena.ofConfined()) {
                Tensor w = Tensor.allocate(tmp, weight.shape()).copyFrom(weight);
                try (MemoryDesc plain = MemoryDesc.of(View.dense(weight.shape()))) {
                    this.weights = new PackedWeights(engine, plain.handle, w.storage(), plain.handle,
                            "conv stem weights");
                }
            }
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Under the engine's lock: the stem {@code source} (of another engine) on this one, sharing its weights. */
    DnnlConvStem(DnnlEngine engine, DnnlConvStem source) {
        super(engine, "conv_stem");
        this.channels = source.channels;
        this.geometry = source.geometry;
        this.weights = source.weights.share();
        try {
            this.bias = source.bias == null ? null : arena.allocate(source.bias.byteSize(), Tensor.ALIGNMENT)
                    .copyFrom(source.bias);
        } catch (RuntimeException e) {
            weights.close();
            arena.close();
            throw e;
        }
    }

    public int channels() {
        return channels;
    }

    /** Output rows for an input of height {@code h}. */
    public int outputHeight(int h) {
        return geometry.outputHeight(h);
    }

    /** Output columns for an input of width {@code w}. */
    public int outputWidth(int w) {
        return geometry.outputWidth(w);
    }

    /** image [B, H, W] (any strides) to out [B, Ho, Wo, C]. */
    public void forward(Tensor image, Tensor out) {
        if (image.rank() != 3 || out.rank() != 4 || out.dim(0) != image.dim(0)
                || out.dim(1) != outputHeight(image.dim(1)) || out.dim(2) != outputWidth(image.dim(2))
                || out.dim(3) != channels || outputHeight(image.dim(1)) < 1 || outputWidth(image.dim(2)) < 1) {
            throw new ShapeMismatchException("conv stem " + geometry.kernelH() + "x" + geometry.kernelW() + "/"
                    + geometry.strideH() + "x" + geometry.strideW() + ": input " + image.shapeString()
                    + " does not give output " + out.shapeString());
        }
        if (out.size() == 0) return;
        engine.enter();
        try {
            checkOpen("conv stem");
            Key.Builder key = engine.key().add(image).add(out);
            Plan plan = plans.get(key, () -> Plan.build(engine, "conv stem " + image + " -> " + out,
                    new Tensor[] {image, out}, new Plan.Role[] {Plan.Role.IN, Plan.Role.OUT}, this::compile));
            engine.run(plan, new MemorySegment[] {DnnlEngine.buffer(image, "conv stem image"),
                    DnnlEngine.buffer(out, "conv stem out")});
        } finally {
            engine.exit();
        }
    }

    private Plan.Main compile(View[] v) {
        int[] id = v[0].dims();
        long[] is = v[0].strides();
        // The one-channel image [B, H, W] as channels-last [B, H, W, 1].
        View image = new View(new int[] {id[0], id[1], id[2], 1}, new long[] {is[0], is[1], is[2], 1});
        try (MemoryDesc any = MemoryDesc.any(channels, 1, geometry.kernelH(), geometry.kernelW());
             MemoryDesc biasDesc = bias == null ? null : MemoryDesc.of(View.dense(new int[] {channels}))) {
            Primitive p = geometry.primitive(engine, "conv stem", image, any, biasDesc, v[1]);
            return p == null ? null : main(p, weights, bias, "conv stem weights");
        }
    }

    /** Frees this stem's share of the packed weights and its bias. */
    @Override
    void free() {
        weights.close();
        arena.close();
    }
}
