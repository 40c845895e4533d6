package dev.mast.engine.kernel;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;

import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test views of a given shape laid out in different ways over storage that is larger than the view and filled with
 * a guard value, so that a test can check a kernel wrote nothing outside its output view.
 */
enum Layouts {
    /** A plain contiguous tensor (still with guard cells before and after it). */
    CONTIGUOUS,
    /** Rows (last dimension) padded with guard cells on both sides: a slice along the last dimension. */
    ROW_PADDED,
    /** The first two dimensions transposed in memory (falls back to ROW_PADDED for rank < 3). */
    OUTER_TRANSPOSED,
    /** The last dimension strided: a transpose of the last two dimensions (a select for rank 1). */
    INNER_STRIDED;

    /** The value storage cells outside the view hold. */
    static final float GUARD = -7.75e30f;

    /** A view of {@code shape} in this layout; its elements are guard values until written. */
    Tensor view(TensorArena arena, int... shape) {
        int r = shape.length;
        switch (this) {
            case CONTIGUOUS -> {
                int[] padded = shape.clone();
                if (r == 0) return guarded(arena, 1).reshape();
                Tensor t = guarded(arena, prepend(3, padded));
                return t.select(0, 1);
            }
            case ROW_PADDED -> {
                if (r == 0) return CONTIGUOUS.view(arena, shape);
                int[] big = shape.clone();
                big[r - 1] += 3;
                return guarded(arena, big).slice(r - 1, 2, 2 + shape[r - 1]);
            }
            case OUTER_TRANSPOSED -> {
                if (r < 3) return ROW_PADDED.view(arena, shape);
                int[] swapped = shape.clone();
                swapped[0] = shape[1];
                swapped[1] = shape[0];
                return ROW_PADDED.view(arena, swapped).transpose(0, 1);
            }
            case INNER_STRIDED -> {
                if (r == 0) return CONTIGUOUS.view(arena, shape);
                if (r == 1) return guarded(arena, shape[0], 2).select(1, 1);
                int[] swapped = shape.clone();
                swapped[r - 1] = shape[r - 2];
                swapped[r - 2] = shape[r - 1];
                return CONTIGUOUS.view(arena, swapped).transpose(r - 2, r - 1);
            }
            default -> throw new AssertionError(this);
        }
    }

    /** A view of {@code shape} in this layout holding {@code values} (C order). */
    Tensor of(TensorArena arena, float[] values, int... shape) {
        return view(arena, shape).copyFrom(values);
    }

    private static Tensor guarded(TensorArena arena, int... shape) {
        return arena.allocate(shape).fill(GUARD);
    }

    private static int[] prepend(int d, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = d;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    /** Fails unless every storage cell of {@code view}'s storage that the view does not cover still holds GUARD. */
    static void assertGuardsIntact(Tensor view) {
        long cells = view.storage().byteSize() / Float.BYTES;
        boolean[] covered = new boolean[Math.toIntExact(cells)];
        int[] shape = view.shape();
        int[] idx = new int[shape.length];
        for (long i = 0, n = view.size(); i < n; i++) {
            long rem = i;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = (int) (rem % shape[d]);
                rem /= shape[d];
            }
            covered[Math.toIntExact(view.indexOf(idx))] = true;
        }
        for (int k = 0; k < covered.length; k++) {
            float v = view.storage().getAtIndex(ValueLayout.JAVA_FLOAT, k);
            if (!covered[k] && Float.floatToRawIntBits(v) != Float.floatToRawIntBits(GUARD)) {
                fail("cell " + k + " outside the view " + view + " was overwritten with " + v);
            }
        }
    }

    /** Gaussian values, C order. */
    static float[] gaussian(Random rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rng.nextGaussian() * scale);
        return a;
    }

    /** Number of elements of a shape. */
    static int size(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }
}
