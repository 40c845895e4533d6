package dev.mast.engine.kernel;

import dev.mast.engine.tensor.Tensor;

/**
 * Contiguous stand-ins for views the vector kernels cannot read directly: a strided last dimension, or (for the
 * window kernels) fewer channels than one vector holds. They live on the heap for the duration of one call; the
 * shapes MAST runs never need them.
 */
final class Views {
    private Views() {}

    /** {@code t} itself if it is contiguous, else a contiguous copy of it. */
    static Tensor contiguous(Tensor t) {
        return t.isContiguous() ? t : Tensor.of(t.toArray(), t.shape());
    }

    /** {@code t} itself if it is contiguous, else contiguous memory of its shape (contents unspecified). */
    static Tensor scratch(Tensor t) {
        return t.isContiguous() ? t : Tensor.of(new float[Math.toIntExact(t.size())], t.shape());
    }

    /** A contiguous copy of {@code t} with dimension {@code d} widened to {@code size}, zeros after t's entries. */
    static Tensor widened(Tensor t, int d, int size) {
        Tensor wide = widenedZeros(t, d, size);
        wide.slice(d, 0, t.dim(d)).copyFrom(t);
        return wide;
    }

    /** Zeros of {@code t}'s shape with dimension {@code d} widened to {@code size}, contiguous. */
    static Tensor widenedZeros(Tensor t, int d, int size) {
        int[] shape = t.shape();
        shape[d < 0 ? d + shape.length : d] = size;
        long n = 1;
        for (int s : shape) n *= s;
        return Tensor.of(new float[Math.toIntExact(n)], shape);
    }
}
