package dev.mast.engine.io;

import dev.mast.engine.tensor.Shapes;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;

/** A float32 array read from or written to a {@code .npy} file: its shape and its elements in C order. */
public record NpyArray(int[] shape, float[] data) {
    public NpyArray {
        long n = 1;
        for (int d : shape) n *= d;
        if (n != data.length) {
            throw new IllegalArgumentException(data.length + " elements do not fill shape " + Shapes.toString(shape));
        }
    }

    /** Copies the array into a new tensor owned by {@code arena}. */
    public Tensor toTensor(TensorArena arena) {
        return arena.copyOf(data, shape);
    }
}
