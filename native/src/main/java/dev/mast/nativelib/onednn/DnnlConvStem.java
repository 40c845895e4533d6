package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static dev.mast.jextract.dnnl.dnnl_h.*;

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
public final class DnnlConvStem implements DnnlEngine.Layer {
    private final DnnlEngine engine;
    private final int channels, kernelH, kernelW, strideH, strideW, padH, padW;
    private final PackedWeights weights;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment bias;
    private final PlanCache plans = new PlanCache("conv_stem");
    private boolean closed;

    /** Under the engine's lock. */
    DnnlConvStem(DnnlEngine engine, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW) {
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
        this.engine = engine;
        this.channels = weight.dim(0);
        this.kernelH = weight.dim(2);
        this.kernelW = weight.dim(3);
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
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
        this.engine = engine;
        this.channels = source.channels;
        this.kernelH = source.kernelH;
        this.kernelW = source.kernelW;
        this.strideH = source.strideH;
        this.strideW = source.strideW;
        this.padH = source.padH;
        this.padW = source.padW;
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
        return (h + 2 * padH - kernelH) / strideH + 1;
    }

    /** Output columns for an input of width {@code w}. */
    public int outputWidth(int w) {
        return (w + 2 * padW - kernelW) / strideW + 1;
    }

    /** image [B, H, W] (any strides) to out [B, Ho, Wo, C]. */
    public void forward(Tensor image, Tensor out) {
        if (image.rank() != 3 || out.rank() != 4 || out.dim(0) != image.dim(0)
                || out.dim(1) != outputHeight(image.dim(1)) || out.dim(2) != outputWidth(image.dim(2))
                || out.dim(3) != channels || outputHeight(image.dim(1)) < 1 || outputWidth(image.dim(2)) < 1) {
            throw new ShapeMismatchException("conv stem " + kernelH + "x" + kernelW + "/" + strideH + "x" + strideW
                    + ": input " + image.shapeString() + " does not give output " + out.shapeString());
        }
        if (out.size() == 0) return;
        engine.enter();
        try {
            if (closed) throw new IllegalStateException("conv stem is closed");
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
        int[] id = v[0].dims(), od = v[1].dims();
        long[] is = v[0].strides(), os = v[1].strides();
        // oneDNN's logical [B, 1, H, W] with the channel stride of a channels-last image (one channel: the same
        // bytes as [B, H, W]), and [B, C, Ho, Wo] over the channels-last output.
        try (MemoryDesc src = MemoryDesc.of(new int[] {id[0], 1, id[1], id[2]}, new long[] {is[0], 1, is[1], is[2]});
             MemoryDesc dst = MemoryDesc.of(new int[] {od[0], od[3], od[1], od[2]},
                     new long[] {os[0], os[3], os[1], os[2]});
             MemoryDesc any = MemoryDesc.any(channels, 1, kernelH, kernelW);
             MemoryDesc biasDesc = bias == null ? null : MemoryDesc.of(View.dense(new int[] {channels}));
             Attributes attr = Attributes.plain(); Arena a = Arena.ofConfined()) {
            MemorySegment strides = ConvGeometry.dims(a, strideH, strideW);
            MemorySegment dilates = ConvGeometry.dims(a, 0, 0);
            MemorySegment padL = ConvGeometry.dims(a, padH, padW);
            MemorySegment padR = ConvGeometry.dims(a, ConvGeometry.padRight(id[1], od[1], kernelH, strideH, padH),
                    ConvGeometry.padRight(id[2], od[2], kernelW, strideW, padW));
            MemorySegment bd = biasDesc == null ? MemorySegment.NULL : biasDesc.handle;
            Primitive.DescriptorFactory pd = o -> dnnl_convolution_forward_primitive_desc_create(o, engine.handle(),
                    dnnl_forward_inference(), dnnl_convolution_direct(), src.handle, any.handle, bd, dst.handle,
                    strides, dilates, padL, padR, attr.handle);
            Primitive p = bias == null
                    ? Primitive.create(engine.handle(), "conv stem", pd, DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(), DNNL_ARG_DST())
                    : Primitive.create(engine.handle(), "conv stem", pd, DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(),
                            DNNL_ARG_BIAS(), DNNL_ARG_DST());
            if (p == null) return null;
            MemorySegment wts = Plan.packedFor(engine, p, weights, "conv stem weights");
            return bias == null
                    ? new Plan.Main(p, new int[] {0, -1, 1}, new MemorySegment[] {null, wts, null})
                    : new Plan.Main(p, new int[] {0, -1, -1, 1}, new MemorySegment[] {null, wts, bias, null});
        }
    }

    @Override
    public int cachedPlans() {
        return plans.size();
    }

    @Override
    public void describeTo(List<String> lines) {
        plans.describeTo(lines);
    }

    /** Frees the cached primitives and this stem's share of the packed weights. */
    @Override
    public void close() {
        engine.lockForClose();
        try {
            if (closed) return;
            closed = true;
            plans.close();
            weights.close();
            arena.close();
            engine.forget(this);
        } finally {
            engine.exit();
        }
    }
}
