package dev.mast.nativelib.onednn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.mast.jextract.dnnl.dnnl_h.*;

/**
 * Kernel, stride and top/left zero padding of a 2-D convolution, and oneDNN's convolution primitive for them on
 * channels-last images.
 */
record ConvGeometry(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
    /** The 3×3 convolution with padding 1 of pooling attention. */
    static ConvGeometry pool3x3(int strideH, int strideW) {
        return new ConvGeometry(3, 3, strideH, strideW, 1, 1);
    }

    /** Output rows for an input of height {@code h}. */
    int outputHeight(int h) {
        return (h + 2 * padH - kernelH) / strideH + 1;
    }

    /** Output columns for an input of width {@code w}. */
    int outputWidth(int w) {
        return (w + 2 * padW - kernelW) / strideW + 1;
    }

    /**
     * A forward-inference convolution primitive from x [N, H, W, C] to y [N, Ho, Wo, C'] (channels last, any
     * strides), with arguments {@link Primitive#layerArguments}{@code (bias != null)}.
     *
     * @param weights the weights' layout, usually {@code format_tag_any} (oneDNN picks)
     * @param bias    the bias' layout, or null for none
     * @return null when oneDNN has no implementation
     */
    Primitive primitive(DnnlEngine engine, String what, View x, MemoryDesc weights, MemoryDesc bias, View y) {
        int[] in = x.dims(), out = y.dims();
        try (MemoryDesc src = nchw(x); MemoryDesc dst = nchw(y); Attributes attr = Attributes.plain();
             Arena a = Arena.ofConfined()) {
            MemorySegment strides = dims(a, strideH, strideW);
            MemorySegment dilates = dims(a, 0, 0);
            MemorySegment padL = dims(a, padH, padW);
            MemorySegment padR = dims(a, padRight(in[1], out[1], kernelH, strideH, padH),
                    padRight(in[2], out[2], kernelW, strideW, padW));
            MemorySegment bd = bias == null ? MemorySegment.NULL : bias.handle;
            return Primitive.create(engine.handle(), what, o -> dnnl_convolution_forward_primitive_desc_create(o,
                            engine.handle(), dnnl_forward_inference(), dnnl_convolution_direct(), src.handle,
                            weights.handle, bd, dst.handle, strides, dilates, padL, padR, attr.handle),
                    Primitive.layerArguments(bias != null));
        }
    }

    /** oneDNN's logical [N, C, H, W] over a channels-last [N, H, W, C] view. */
    private static MemoryDesc nchw(View v) {
        int[] d = v.dims();
        long[] s = v.strides();
        return MemoryDesc.of(new int[] {d[0], d[3], d[1], d[2]}, new long[] {s[0], s[3], s[1], s[2]});
    }

    /** A {@code dnnl_dims_t} holding the given values. */
    private static MemorySegment dims(Arena a, long... values) {
        MemorySegment s = a.allocate(ValueLayout.JAVA_LONG, DNNL_MAX_NDIMS());
        for (int i = 0; i < values.length; i++) s.setAtIndex(ValueLayout.JAVA_LONG, i, values[i]);
        return s;
    }

    /**
     * Right (bottom) padding that makes oneDNN produce exactly {@code out} positions from {@code in} with this
     * kernel, stride and left padding. Negative when the last input positions are never read, which oneDNN accepts.
     */
    private static long padRight(int in, int out, int kernel, int stride, int padLeft) {
        return (long) (out - 1) * stride + kernel - in - padLeft;
    }
}
