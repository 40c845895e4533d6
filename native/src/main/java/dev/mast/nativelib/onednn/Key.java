package dev.mast.nativelib.onednn;

import java.util.Arrays;

/** Cache key of a compiled plan: the operation's settings and every argument's shape and strides. */
final class Key {
    private final long[] values;
    private final int hash;

    private Key(long[] values) {
        this.values = values;
        this.hash = Arrays.hashCode(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k && hash == k.hash && Arrays.equals(values, k.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Collects the values of a key. */
    static final class Builder {
        private long[] values = new long[32];
        private int n;

        Builder add(long v) {
            if (n == values.length) values = Arrays.copyOf(values, 2 * n);
            values[n++] = v;
            return this;
        }

        Builder add(float v) {
            return add((long) Float.floatToIntBits(v));
        }

        Builder add(View v) {
            v.appendTo(this);
            return this;
        }

        Key build() {
            return new Key(Arrays.copyOf(values, n));
        }
    }
}
