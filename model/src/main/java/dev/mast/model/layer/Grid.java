package dev.mast.model.layer;

import dev.mast.engine.kernel.Pool3x3;

/** A token grid: {@code h} frequency rows by {@code w} time columns, tokens flattened row-major (n = f·w + t). */
public record Grid(int h, int w) {
    public int tokens() {
        return h * w;
    }

    /** The grid after a 3×3, padding-1 window with these strides: ceil(n / stride) per axis. */
    public Grid pooled(int strideH, int strideW) {
        return new Grid(Pool3x3.outputSize(h, strideH), Pool3x3.outputSize(w, strideW));
    }

    @Override
    public String toString() {
        return h + "x" + w;
    }
}
