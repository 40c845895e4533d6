package dev.mast.engine.kernel;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers shared by the GEMM-based kernel tests: random data, guarded output views, error bounds. */
final class GemmChecks {
    private GemmChecks() {}

    /** Unit roundoff of float32. */
    static final double EPS = Math.ulp(1f) / 2;
    /** Sentinel written around output views: a NaN with a payload no kernel produces. */
    static final float GUARD = Float.intBitsToFloat(0x7fc0beef);

    static Tensor random(TensorArena arena, long seed, int... shape) {
        Tensor t = arena.allocate(shape);
        Random r = new Random(seed);
        for (long i = 0; i < t.size(); i++) t.setFlat(i, r.nextFloat() * 2 - 1);
        return t;
    }

    /** Fills every element of {@code t} with random values (for views). */
    static Tensor fillRandom(Tensor t, long seed) {
        Random r = new Random(seed);
        for (long i = 0; i < t.size(); i++) t.setFlat(i, r.nextFloat() * 2 - 1);
        return t;
    }

    static Tensor abs(TensorArena arena, Tensor t) {
        Tensor a = arena.allocate(t.shape());
        for (long i = 0; i < t.size(); i++) a.setFlat(i, Math.abs(t.getFlat(i)));
        return a;
    }

    /**
     * A view of {@code shape} in the middle of a larger buffer whose every other element holds {@link #GUARD}:
     * the last dimension is padded on both sides and the whole buffer has a margin, so both a row overrun and a
     * run past the end land on guards. The view's elements are random.
     */
    static Tensor guarded(TensorArena arena, long seed, int... shape) {
        int r = shape.length;
        int[] padded = shape.clone();
        padded[r - 1] += 5;
        Tensor buffer = arena.allocate(1, (int) Math.max(1, sizeOf(padded)) + 64);
        buffer.fill(GUARD);
        Tensor body = buffer.select(0, 0).slice(0, 32, 32 + (int) sizeOf(padded)).reshape(padded);
        Tensor view = body.slice(r - 1, 2, 2 + shape[r - 1]);
        return fillRandom(view, seed);
    }

    /** Asserts that every element of the buffer around a {@link #guarded} view still holds the guard. */
    static void assertGuardsIntact(Tensor view) {
        long inside = 0;
        long bytes = view.storage().byteSize() / Float.BYTES;
        java.util.Set<Long> own = new java.util.HashSet<>();
        for (long i = 0; i < view.size(); i++) own.add(flatIndex(view, i));
        for (long e = 0; e < bytes; e++) {
            if (own.contains(e)) {
                inside++;
                continue;
            }
            float v = view.storage().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, e);
            if (Float.floatToRawIntBits(v) != Float.floatToRawIntBits(GUARD)) {
                fail("element " + e + " outside the output view " + view + " was overwritten with " + v);
            }
        }
        assertEquals(view.size(), inside);
    }

    private static long flatIndex(Tensor t, long i) {
        long o = t.offset();
        int[] shape = t.shape();
        long[] strides = t.strides();
        for (int d = shape.length - 1; d >= 0; d--) {
            o += (i % shape[d]) * strides[d];
            i /= shape[d];
        }
        return o;
    }

    private static long sizeOf(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /**
     * Asserts |actual - expected| <= bound[i] element by element, naming the first failure.
     */
    static void assertWithin(String what, Tensor expected, Tensor actual, Tensor bound) {
        for (long i = 0; i < expected.size(); i++) {
            double e = expected.getFlat(i), a = actual.getFlat(i), b = bound.getFlat(i);
            if (!(Math.abs(a - e) <= b)) {
                fail(what + ": element " + i + " is " + a + ", expected " + e + " ± " + b);
            }
        }
    }

    /** Asserts two tensors hold bit-identical values. */
    static void assertBitIdentical(String what, Tensor expected, Tensor actual) {
        for (long i = 0; i < expected.size(); i++) {
            int e = Float.floatToRawIntBits(expected.getFlat(i)), a = Float.floatToRawIntBits(actual.getFlat(i));
            if (e != a) fail(what + ": element " + i + " differs: " + expected.getFlat(i) + " vs " + actual.getFlat(i));
        }
    }

    /** A copy of {@code t} (contiguous). */
    static Tensor copy(TensorArena arena, Tensor t) {
        return arena.allocate(t.shape()).copyFrom(t);
    }
}
