package dev.mast.nativelib.onednn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.mast.jextract.dnnl.dnnl_h.DNNL_MAX_NDIMS;

/** Stride, dilation and padding arrays of oneDNN convolutions. */
final class ConvGeometry {
    private ConvGeometry() {}

    /** A {@code dnnl_dims_t} holding the given values. */
    static MemorySegment dims(Arena a, long... values) {
        MemorySegment s = a.allocate(ValueLayout.JAVA_LONG, DNNL_MAX_NDIMS());
        for (int i = 0; i < values.length; i++) s.setAtIndex(ValueLayout.JAVA_LONG, i, values[i]);
        return s;
    }

    /**
     * Right (bottom) padding that makes oneDNN produce exactly {@code out} positions from {@code in} with this
     * kernel, stride and left padding. Negative when the last input positions are never read, which oneDNN accepts.
     */
    static long padRight(int in, int out, int kernel, int stride, int padLeft) {
        return (long) (out - 1) * stride + kernel - in - padLeft;
    }
}
