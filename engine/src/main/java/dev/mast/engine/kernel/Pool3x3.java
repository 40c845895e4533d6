package dev.mast.engine.kernel;

/** Output size of the 3×3, padding-1 windows that pooling attention and the skip max-pool use. */
public final class Pool3x3 {
    private Pool3x3() {}

    /** {@code floor((n - 1)/stride) + 1}, i.e. ceil(n/stride). */
    public static int outputSize(int n, int stride) {
        return (n - 1) / stride + 1;
    }
}
