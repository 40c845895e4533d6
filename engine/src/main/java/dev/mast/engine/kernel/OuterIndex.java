package dev.mast.engine.kernel;

import dev.mast.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * The items of a view seen as a list over its outer dimensions: a [..., C] view is a list of rows, a
 * [..., H, W, C] view a list of images. {@link #offset} gives the storage element offset of an item's first
 * element, whatever the strides of the outer dimensions.
 *
 * <p>Outer dimensions that lie back to back in memory are merged first, so a contiguous view costs one
 * multiplication per item.
 */
final class OuterIndex {
    private final long base;
    private final int[] dims;
    private final long[] strides;
    private final long count;
    /** One merged outer dimension (or none): the common case, kept small enough for the JIT to inline. */
    private final boolean single;
    private final long stride;

    /** The items of {@code t} over all but its last {@code innerRank} dimensions. */
    OuterIndex(Tensor t, int innerRank) {
        int outer = t.rank() - innerRank;
        int[] d = new int[outer];
        long[] s = new long[outer];
        int n = 0;
        long items = 1;
        for (int k = 0; k < outer; k++) {
            int size = t.dim(k);
            items *= size;
            if (size == 1) continue;
            if (n > 0 && s[n - 1] == t.stride(k) * size) {
                d[n - 1] *= size;
                s[n - 1] = t.stride(k);
            } else {
                d[n] = size;
                s[n++] = t.stride(k);
            }
        }
        this.base = t.offset();
        this.dims = Arrays.copyOf(d, n);
        this.strides = Arrays.copyOf(s, n);
        this.count = items;
        this.single = n <= 1;
        this.stride = n == 1 ? s[0] : 0;
    }

    /** Number of items (1 when there are no outer dimensions). */
    long count() {
        return count;
    }

    /** Storage element offset of item {@code item}'s first element. */
    long offset(long item) {
        return single ? base + item * stride : offsetOfStrided(item);
    }

    private long offsetOfStrided(long item) {
        long o = base;
        for (int k = dims.length - 1; k >= 0; k--) {
            o += item % dims[k] * strides[k];
            item /= dims[k];
        }
        return o;
    }
}
