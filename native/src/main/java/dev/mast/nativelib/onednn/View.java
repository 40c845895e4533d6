package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * Dimensions and element strides of a tensor argument, as oneDNN memory descriptors see them.
 *
 * <p>Strides of size-1 dimensions do not address anything, but oneDNN reads them: it matches them against its
 * layouts, and its matmul orders batch dimensions by them. Each is normalised to the extent of the dimensions
 * inside it ({@link #stride}), which is what a dense tensor has, so a view that is contiguous apart from them counts
 * as dense and a size-1 batch dimension always lies outside the others. (Normalising to the product of the next
 * dimension's stride and size instead gave a size-1 batch of per-head views [1, heads, N, d] with strides
 * [N·heads·d, d, heads·d, 1] the stride heads·d, smaller than N's, and oneDNN's batched matmul then computed
 * wrong results.)
 */
record View(int[] dims, long[] strides) {
    static View of(Tensor t) {
        long[] s = new long[t.rank()];
        for (int i = 0; i < s.length; i++) s[i] = stride(t, i);
        return new View(t.shape(), s);
    }

    /**
     * The stride oneDNN sees for dimension {@code i} of {@code t}: its own, or for a size-1 dimension the largest
     * extent (stride times size) of the dimensions after it, at least 1.
     */
    static long stride(Tensor t, int i) {
        if (t.dim(i) != 1) return t.stride(i);
        long extent = 1;
        for (int j = i + 1; j < t.rank(); j++) {
            if (t.dim(j) != 1) extent = Math.max(extent, t.stride(j) * t.dim(j));
        }
        return extent;
    }

    static View dense(int[] dims) {
        return new View(dims.clone(), Tensor.contiguousStrides(dims));
    }

    int rank() {
        return dims.length;
    }

    boolean isDense() {
        return Arrays.equals(strides, Tensor.contiguousStrides(dims));
    }

    /**
     * The view with dimensions {@code [0, rank - keep)} merged into one, or null when their strides do not allow
     * it without a copy: {@code [rows, C]} for {@code keep = 1}. {@code keep} is at least 1 and at most the rank.
     */
    View collapseLeading(int keep) {
        int lead = dims.length - keep;
        long n = 1;
        for (int i = 0; i < lead; i++) n *= dims[i];
        if (n > Integer.MAX_VALUE) return null;
        // Size-1 strides are normalised to the extent inside them (see of()), so adjacent strides must chain exactly.
        for (int i = 0; i + 1 < lead; i++) {
            if (strides[i] != strides[i + 1] * dims[i + 1]) return null;
        }
        int[] d = new int[keep + 1];
        long[] s = new long[keep + 1];
        d[0] = (int) n;
        s[0] = lead > 0 ? strides[lead - 1] : strides[lead] * dims[lead];
        System.arraycopy(dims, lead, d, 1, keep);
        System.arraycopy(strides, lead, s, 1, keep);
        return new View(d, s);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims) + (isDense() ? "" : " strides " + Arrays.toString(strides));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof View v && Arrays.equals(dims, v.dims) && Arrays.equals(strides, v.strides);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.hashCode(strides);
    }
}
