package dev.mast.engine.io;

import dev.mast.engine.tensor.Shapes;

/**
 * One tensor's header entry in a safetensors file, already validated: {@code begin} and {@code end} are byte
 * offsets into the data section (after the header), and {@code end - begin} is exactly the shape's size.
 */
public record SafetensorsEntry(String name, SafetensorsDType dtype, int[] shape, long begin, long end) {
    /** Number of elements. */
    public long elements() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    public long byteSize() {
        return end - begin;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return name + " " + dtype + Shapes.toString(shape);
    }
}
