package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.Tensor;

import java.util.Arrays;

/** Cache key of a compiled plan: the operation's settings and every argument's shape and strides. */
final class Key {
    private final long[] values;
    private final int n;
    private final int hash;

    private Key(long[] values, int n) {
        this.values = values;
        this.n = n;
        int h = 1;
        for (int i = 0; i < n; i++) h = 31 * h + Long.hashCode(values[i]);
        this.hash = h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k && hash == k.hash && Arrays.equals(values, 0, n, k.values, 0, k.n);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /**
     * Collects the values of a key. One builder per engine is reused for every call (under the engine's lock), so
     * looking a plan up allocates nothing but the probe.
     */
    static final class Builder {
        private long[] values = new long[32];
        private int n;

        /** Starts a new key. */
        Builder reset() {
            n = 0;
            return this;
        }

        Builder add(long v) {
            if (n == values.length) values = Arrays.copyOf(values, 2 * n);
            values[n++] = v;
            return this;
        }

        Builder add(float v) {
            return add((long) Float.floatToIntBits(v));
        }

        /** A tensor argument's rank, dimensions and strides, normalised as {@link View#of} normalises them. */
        Builder add(Tensor t) {
            int r = t.rank();
            add(r);
            for (int i = 0; i < r; i++) add(t.dim(i));
            for (int i = 0; i < r; i++) add(View.stride(t, i));
            return this;
        }

        /** A key over the builder's current values, for a lookup only (it changes with the builder). */
        Key probe() {
            return new Key(values, n);
        }

        /** An immutable key of the current values, for storing. */
        Key build() {
            return new Key(Arrays.copyOf(values, n), n);
        }
    }
}
