package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static dev.mast.jextract.dnnl.dnnl_h.*;

/**
 * Depthwise 3×3 convolution with padding 1 and no bias, channels last, on oneDNN: the pooling of pooling attention,
 * with {@code DepthwiseConv3x3.forward}'s contract.
 *
 * <p>x [..., H, W, C] (the leading dimensions are independent images), y [..., Ho, Wo, C] with
 * {@code Ho = Pool3x3.outputSize(H, strideH)}. Used in place when the leading dimensions merge into one evenly
 * strided batch and oneDNN has fast code for the strides (dense channels-last images do); other views, e.g. one
 * head's channels out of a [B, N, heads·C] tensor, are copied to dense buffers and back. The weight [C, 1, 3, 3]
 * is copied at construction and reordered once into the layout oneDNN's convolution picks.
 */
public final class DnnlDepthwiseConv3x3 implements DnnlEngine.Layer {
    private final DnnlEngine engine;
    private final int channels;
    private final PackedWeights weights;
    private final PlanCache plans = new PlanCache("depthwise_conv3x3");
    private boolean closed;

    /** Under the engine's lock. */
    DnnlDepthwiseConv3x3(DnnlEngine engine, Tensor weight) {
        DepthwiseConvOp.checkWeight(weight);
        this.engine = engine;
        this.channels = weight.dim(0);
        try (Arena tmp = Arena.ofConfined()) {
            Tensor w = Tensor.allocate(tmp, weight.shape()).copyFrom(weight);
            // oneDNN's grouped weights: [groups = C, out/group = 1, in/group = 1, 3, 3].
            try (MemoryDesc plain = MemoryDesc.of(new int[] {channels, 1, 1, 3, 3}, new long[] {9, 9, 9, 3, 1})) {
                this.weights = new PackedWeights(engine, plain.handle, w.storage(), plain.handle,
                        "depthwise_conv3x3 weights");
            }
        }
    }

    public int channels() {
        return channels;
    }

    /** y = depthwise 3×3 convolution of x with stride (strideH, strideW), padding 1. */
    public void forward(Tensor x, int strideH, int strideW, Tensor y) {
        DepthwiseConvOp.check(x, channels, strideH, strideW, y);
        if (y.size() == 0) return;
        engine.enter();
        try {
            if (closed) throw new IllegalStateException("depthwise_conv3x3 is closed");
            Key.Builder key = engine.key().add(strideH).add(strideW).add(x).add(y);
            Plan plan = plans.get(key, () -> Plan.build(engine, "depthwise_conv3x3 " + x + " -> " + y,
                    new Tensor[] {x, y}, new Plan.Role[] {Plan.Role.IN, Plan.Role.OUT},
                    views -> compile(views, strideH, strideW)));
            engine.run(plan, new MemorySegment[] {DnnlEngine.buffer(x, "depthwise_conv3x3 x"),
                    DnnlEngine.buffer(y, "depthwise_conv3x3 y")});
        } finally {
            engine.exit();
        }
    }

    private Plan.Main compile(View[] v, int strideH, int strideW) {
        View x = v[0].collapseLeading(3), y = v[1].collapseLeading(3);
        if (x == null || y == null) return null;
        int h = x.dims()[1], w = x.dims()[2], ho = y.dims()[1], wo = y.dims()[2];
        try (MemoryDesc src = DepthwiseConvOp.nchwOf(x); MemoryDesc dst = DepthwiseConvOp.nchwOf(y);
             MemoryDesc any = MemoryDesc.any(channels, 1, 1, 3, 3);
             Attributes attr = Attributes.plain(); Arena a = Arena.ofConfined()) {
            MemorySegment strides = ConvGeometry.dims(a, strideH, strideW);
            MemorySegment dilates = ConvGeometry.dims(a, 0, 0);
            MemorySegment padL = ConvGeometry.dims(a, 1, 1);
            MemorySegment padR = ConvGeometry.dims(a, ConvGeometry.padRight(h, ho, 3, strideH, 1),
                    ConvGeometry.padRight(w, wo, 3, strideW, 1));
            Primitive p = Primitive.create(engine.handle(), "depthwise_conv3x3", o ->
                            dnnl_convolution_forward_primitive_desc_create(o, engine.handle(), dnnl_forward_inference(),
                                    dnnl_convolution_direct(), src.handle, any.handle, MemorySegment.NULL, dst.handle,
                                    strides, dilates, padL, padR, attr.handle),
                    DNNL_ARG_SRC(), DNNL_ARG_WEIGHTS(), DNNL_ARG_DST());
            if (p == null) return null;
            MemorySegment wts = Plan.packedFor(engine, p, weights, "depthwise_conv3x3 weights");
            return new Plan.Main(p, new int[] {0, -1, 1}, new MemorySegment[] {null, wts, null});
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

    /** Frees the packed weights and cached primitives. */
    @Override
    public void close() {
        engine.lockForClose();
        try {
            if (closed) return;
            closed = true;
            plans.close();
            weights.close();
            engine.forget(this);
        } finally {
            engine.exit();
        }
    }
}
