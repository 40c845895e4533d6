package dev.mast.bench;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;

import java.util.Random;

/** Benchmark inputs: tensors of uniform values in [-1, 1) from a fixed seed. */
final class RandomTensors {
    private RandomTensors() {}

    static Tensor fill(Tensor t, long seed) {
        Random r = new Random(seed);
        float[] values = new float[(int) t.size()];
        for (int i = 0; i < values.length; i++) values[i] = r.nextFloat() * 2 - 1;
        return t.copyFrom(values);
    }

    static Tensor allocate(TensorArena arena, long seed, int... shape) {
        return fill(arena.allocate(shape), seed);
    }
}
