package dev.mast.nativelib.onednn;

import dev.mast.engine.kernel.Pool3x3;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;

/**
 * Depthwise 3×3 convolution, padding 1, no bias, channels last, with the weight passed per call:
 * {@link DnnlEngine#depthwiseConv3x3(Tensor, Tensor, int, int, Tensor)}. The weight is reordered into the layout
 * the convolution picked at every call (a few hundred floats), so changed weight values are always seen.
 */
final class DepthwiseConvOp {
    private static final Plan.Role[] ROLES = {Plan.Role.IN, Plan.Role.IN, Plan.Role.OUT};

    private DepthwiseConvOp() {}

    /** DepthwiseConv3x3.forward's shape rules for {@code channels} channels. */
    static void check(Tensor x, int channels, int strideH, int strideW, Tensor y) {
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("depthwise_conv3x3: strides must be >= 1");
        int r = x.rank();
        boolean ok = r >= 3 && y.rank() == r && x.dim(-1) == channels && y.dim(-1) == channels
                && y.dim(-3) == Pool3x3.outputSize(x.dim(-3), strideH)
                && y.dim(-2) == Pool3x3.outputSize(x.dim(-2), strideW);
        for (int d = 0; ok && d < r - 3; d++) ok = x.dim(d) == y.dim(d);
        if (!ok) {
            throw new ShapeMismatchException("depthwise_conv3x3 (" + channels + " channels): input " + x.shapeString()
                    + " with stride (" + strideH + ", " + strideW + ") does not give output " + y.shapeString());
        }
    }

    static void checkWeight(Tensor weight) {
        if (weight.rank() != 4 || weight.dim(1) != 1 || weight.dim(2) != 3 || weight.dim(3) != 3) {
            throw new ShapeMismatchException("depthwise_conv3x3: weight must be [C, 1, 3, 3], got "
                    + weight.shapeString());
        }
    }

    static void run(DnnlEngine engine, PlanCache plans, Tensor x, Tensor weight, int strideH, int strideW, Tensor y) {
        if (y.size() == 0) return;
        Key.Builder key = engine.key().add(strideH).add(strideW).add(x).add(weight).add(y);
        Plan plan = plans.get(key, () -> Plan.build(engine, "depthwise_conv3x3 " + x + " -> " + y,
                new Tensor[] {x, weight, y}, new View[] {View.of(x), grouped(weight), View.of(y)}, ROLES,
                views -> compile(engine, views, strideH, strideW)));
        engine.run(plan, new MemorySegment[] {DnnlEngine.buffer(x, "depthwise_conv3x3 x"),
                DnnlEngine.buffer(weight, "depthwise_conv3x3 weight"), DnnlEngine.buffer(y, "depthwise_conv3x3 y")});
    }

    /** oneDNN's grouped weights [groups = C, out/group = 1, in/group = 1, 3, 3] over a [C, 1, 3, 3] view. */
    private static View grouped(Tensor weight) {
        View v = View.of(weight);
        long[] s = v.strides();
        return new View(new int[] {weight.dim(0), 1, 1, 3, 3}, new long[] {s[0], s[1], s[1], s[2], s[3]});
    }

    private static Plan.Main compile(DnnlEngine engine, View[] v, int strideH, int strideW) {
        View x = v[0].collapseLeading(3), y = v[2].collapseLeading(3);
        if (x == null || y == null) return null;
        try (MemoryDesc any = MemoryDesc.any(x.dims()[3], 1, 1, 3, 3)) {
            Primitive p = ConvGeometry.pool3x3(strideH, strideW)
                    .primitive(engine, "depthwise_conv3x3", x, any, null, y);
            return p == null ? null
                    : new Plan.Main(p, new int[] {0, 1, 2}, new MemorySegment[3], new boolean[] {false, true, false});
        }
    }
}
