package dev.mast.model.layer;

import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Linear resampling along the first axis with PyTorch's {@code F.interpolate(mode="linear",
 * align_corners=False)} arithmetic (float32): output row o samples source position
 * {@code max(0, (L/L')·(o + 0.5) − 0.5)} between its two neighbouring rows.
 */
public final class LinearResample {
    private LinearResample() {}

    /** dst [L', C] from src [L, C]; rows must have unit inner stride. */
    public static void resample(Tensor src, Tensor dst) {
        if (src.rank() != 2 || dst.rank() != 2 || src.dim(1) != dst.dim(1) || src.dim(0) < 1
                || !src.hasUnitInnerStride() || !dst.hasUnitInnerStride()) {
            throw new ShapeMismatchException("linear resample: " + src + " to " + dst);
        }
        int in = src.dim(0), out = dst.dim(0), c = src.dim(1);
        float scale = (float) in / out;
        MemorySegment s = src.storage(), d = dst.storage();
        for (int o = 0; o < out; o++) {
            float real = Math.max(0f, scale * (o + 0.5f) - 0.5f);
            int i0 = (int) real;
            int i1 = i0 < in - 1 ? i0 + 1 : i0;
            float l1 = Math.min(Math.max(real - i0, 0f), 1f);
            float l0 = 1f - l1;
            long r0 = src.offset() + i0 * src.stride(0), r1 = src.offset() + i1 * src.stride(0);
            long w = dst.offset() + o * dst.stride(0);
            for (int j = 0; j < c; j++) {
                float v = l0 * s.getAtIndex(ValueLayout.JAVA_FLOAT, r0 + j) + l1 * s.getAtIndex(ValueLayout.JAVA_FLOAT, r1 + j);
                d.setAtIndex(ValueLayout.JAVA_FLOAT, w + j, v);
            }
        }
    }
}
