package dev.mast.engine.kernel;

import dev.mast.engine.tensor.Tensor;

/**
 * Contiguous stand-ins for views the vector kernels cannot read directly (a strided last dimension). They live on
 * the heap for the duration of one call; the fast paths never need them.
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
}
