package dev.mast.bench;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Inputs for the kernel benchmarks: tensors of Gaussian values from a fixed seed, and shape parameters. */
final class BenchData {
    private BenchData() {}

    /** A contiguous tensor of N(0, scale²) values. */
    static Tensor gaussian(TensorArena arena, long seed, double scale, int... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor t = arena.allocate(shape);
        float[] v = new float[Math.toIntExact(t.size())];
        for (int i = 0; i < v.length; i++) v[i] = (float) (nextGaussian(rng) * scale);
        return t.copyFrom(v);
    }

    private static double nextGaussian(SplittableRandom rng) {
        double u = rng.nextDouble(), w = rng.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * w);
    }

    /** "1152x384" as integers (JMH splits parameter lists at commas, so shapes use x). */
    static int[] dims(String spec) {
        return Arrays.stream(spec.split("x")).mapToInt(Integer::parseInt).toArray();
    }
}
