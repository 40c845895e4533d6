package dev.mast.model;

import dev.mast.engine.tensor.Tensor;
import dev.mast.model.layer.ParameterSource;
import dev.mast.model.layer.ParameterSpec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Fresh parameters as timm/PyTorch initialise them (spec §2.13): truncated normal (std 0.02, cut at ±2 std) for
 * linear weights, rel-pos tables and tokens, zeros for biases, ones/zeros for LayerNorms, uniform ±1/√fan_in for
 * convolutions. Deterministic for a seed. Owns the memory (a shared arena, freed by {@link #close()}).
 */
public final class RandomInit implements ParameterSource {
    private static final double STD = 0.02;

    private final Arena arena = Arena.ofShared();
    private final SplittableRandom rng;

    public RandomInit(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public Tensor take(ParameterSpec spec) {
        Tensor t = Tensor.allocate(arena, spec.shape());
        MemorySegment seg = t.storage();
        long n = t.size();
        switch (spec.init()) {
            case ZEROS -> { }
            case ONES -> t.fill(1f);
            case TRUNC_NORMAL -> {
                for (long i = 0; i < n; i++) seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (STD * truncatedNormal()));
            }
            case UNIFORM_FAN_IN -> {
                double bound = 1 / Math.sqrt(spec.fanIn());
                for (long i = 0; i < n; i++) {
                    seg.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) ((2 * rng.nextDouble() - 1) * bound));
                }
            }
        }
        return t;
    }

    /** A standard normal sample conditioned on |z| ≤ 2 (rejection; accepts 95 % of draws). */
    private double truncatedNormal() {
        while (true) {
            double z = rng.nextGaussian();
            if (Math.abs(z) <= 2) return z;
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
