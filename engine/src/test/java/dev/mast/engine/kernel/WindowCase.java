package dev.mast.engine.kernel;

/** A test case of the 3×3 window kernels: images of H×W with C channels, pooled with the given strides. */
record WindowCase(int images, int h, int w, int c, int strideH, int strideW) {
    /** x [images, H, W, C]. */
    int[] xShape() {
        return new int[] {images, h, w, c};
    }

    /** y [images, Ho, Wo, C]. */
    int[] yShape() {
        return new int[] {images, Pool3x3.outputSize(h, strideH), Pool3x3.outputSize(w, strideW), c};
    }
}
