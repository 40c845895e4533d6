package dev.mast.engine.tensor;

import java.util.Arrays;

/** Shape checks shared by all operations; every failure names the operation and the shapes involved. */
public final class Shapes {
    private Shapes() {}

    public static String toString(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Requires {@code t} to have exactly {@code expected} as its shape. */
    public static void require(String op, String name, Tensor t, int... expected) {
        if (!Arrays.equals(t.shape(), expected)) {
            throw new ShapeMismatchException(op + ": " + name + " has shape " + t.shapeString() + ", expected "
                    + toString(expected));
        }
    }

    /** Requires {@code a} and {@code b} to have the same shape. */
    public static void requireSame(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new ShapeMismatchException(op + ": shapes " + a.shapeString() + " and " + b.shapeString()
                    + " differ");
        }
    }

    /** Requires {@code t} to have rank {@code rank}. */
    public static void requireRank(String op, String name, Tensor t, int rank) {
        if (t.rank() != rank) {
            throw new ShapeMismatchException(op + ": " + name + " must have rank " + rank + ", got "
                    + t.shapeString());
        }
    }

    /** Requires dimension {@code d} of {@code t} to be {@code size}. */
    public static void requireDim(String op, String name, Tensor t, int d, int size) {
        if (t.dim(d) != size) {
            throw new ShapeMismatchException(op + ": " + name + " " + t.shapeString() + " needs size " + size
                    + " in dimension " + d);
        }
    }
}
