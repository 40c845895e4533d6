package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

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
public final class DnnlDepthwiseConv3x3 extends DnnlLayer {
    private final int channels;
    private final PackedWeights weights;

    /** Under the engine's lock. */
    DnnlDepthwiseConv3x3(DnnlEngine engine, Tensor weight) {
        super(engine, "depthwise_conv3x3");
        DepthwiseConvOp.checkWeight(weight);
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
            checkOpen("depthwise_conv3x3");
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
        try (MemoryDesc any = MemoryDesc.any(channels, 1, 1, 3, 3)) {
            Primitive p = ConvGeometry.pool3x3(strideH, strideW)
                    .primitive(engine, "depthwise_conv3x3", x, any, null, y);
            return p == null ? null : main(p, weights, null, "depthwise_conv3x3 weights");
        }
    }

    /** Frees the packed weights. */
    @Override
    void free() {
        weights.close();
    }
}
