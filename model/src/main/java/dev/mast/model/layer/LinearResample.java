package dev.mast.model.layer;

import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Linear resampling along the first axis with PyTorch's {@code F.interpolate(mode="linear",
 * align_corners=False)} arithmetic (float32): output row o samples source position
 * {@code max(0, (L/L')·(o + 0.5) − 0.5)} between its two neighbouring rows:
 * <pre>
 *   forward:  dst[o] = l0(o)·src[i0(o)] + l1(o)·src[i1(o)]
 *   backward: dsrc[i0(o)] += l0(o)·ddst[o],  dsrc[i1(o)] += l1(o)·ddst[o]   (o ascending)
 * </pre>
 */
public final class LinearResample {
    private LinearResample() {}

    /** dst [L', C] from src [L, C]; rows must have unit inner stride. */
    public static void resample(Tensor src, Tensor dst) {
        check(src, dst);
        int in = src.dim(0), out = dst.dim(0), c = src.dim(1);
        float scale = (float) in / out;
        MemorySegment s = src.storage(), d = dst.storage();
        for (int o = 0; o < out; o++) {
            Tap t = tap(scale, in, o);
            long r0 = src.offset() + t.i0 * src.stride(0), r1 = src.offset() + t.i1 * src.stride(0);
            long w = dst.offset() + o * dst.stride(0);
            for (int j = 0; j < c; j++) {
                float v = t.l0 * s.getAtIndex(ValueLayout.JAVA_FLOAT, r0 + j)
                        + t.l1 * s.getAtIndex(ValueLayout.JAVA_FLOAT, r1 + j);
                d.setAtIndex(ValueLayout.JAVA_FLOAT, w + j, v);
            }
        }
    }

    /**
     * The backward of {@link #resample}: adds to dsrc [L, C] the gradient that ddst [L', C] sends to each source
     * row, output rows taken in order (the same bits on every run).
     */
    public static void backward(Tensor ddst, Tensor dsrc) {
        check(dsrc, ddst);
        int in = dsrc.dim(0), out = ddst.dim(0), c = dsrc.dim(1);
        float scale = (float) in / out;
        MemorySegment g = ddst.storage(), d = dsrc.storage();
        for (int o = 0; o < out; o++) {
            Tap t = tap(scale, in, o);
            long r0 = dsrc.offset() + t.i0 * dsrc.stride(0), r1 = dsrc.offset() + t.i1 * dsrc.stride(0);
            long r = ddst.offset() + o * ddst.stride(0);
            for (int j = 0; j < c; j++) {
                float v = g.getAtIndex(ValueLayout.JAVA_FLOAT, r + j);
                d.setAtIndex(ValueLayout.JAVA_FLOAT, r0 + j, d.getAtIndex(ValueLayout.JAVA_FLOAT, r0 + j) + t.l0 * v);
                d.setAtIndex(ValueLayout.JAVA_FLOAT, r1 + j, d.getAtIndex(ValueLayout.JAVA_FLOAT, r1 + j) + t.l1 * v);
            }
        }
    }

    /** Output row o reads source rows i0 and i1 with weights l0 and l1. */
    private record Tap(int i0, int i1, float l0, float l1) {}

    /** Source position max(0, scale·(o + 0.5) − 0.5) (PyTorch's area_pixel_compute_source_index) and its taps. */
    private static Tap tap(float scale, int in, int o) {
        float real = Math.max(0f, scale * (o + 0.5f) - 0.5f);
        int i0 = (int) real;
        float l1 = Math.min(Math.max(real - i0, 0f), 1f);
        return new Tap(i0, i0 < in - 1 ? i0 + 1 : i0, 1f - l1, l1);
    }

    private static void check(Tensor src, Tensor dst) {
        if (src.rank() != 2 || dst.rank() != 2 || src.dim(1) != dst.dim(1) || src.dim(0) < 1
                || !src.hasUnitInnerStride() || !dst.hasUnitInnerStride()) {
            throw new ShapeMismatchException("linear resample: " + src + " to " + dst);
        }
    }
}
