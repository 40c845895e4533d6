package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * Dimensions and element strides of a tensor argument, as oneDNN memory descriptors see them.
 *
 * <p>Strides of size-1 dimensions do not address anything, but oneDNN matches them against its layouts; they are
 * normalised to what a dense tensor would have, so a view that is contiguous apart from them counts as dense.
 */
record View(int[] dims, long[] strides) {
    static View of(Tensor t) {
        int[] d = t.shape();
        long[] s = t.strides();
        long inner = 1;
        for (int i = d.length - 1; i >= 0; i--) {
            if (d[i] == 1) s[i] = inner;
            inner = s[i] * d[i];
        }
        return new View(d, s);
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
        // Size-1 strides are normalised (see of()), so adjacent strides must chain exactly.
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
