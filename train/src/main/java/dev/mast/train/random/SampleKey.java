package dev.mast.train.random;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Identifies one draw site of a training run: the run's root seed, the epoch and the sample's position in that
 * epoch's order. {@link #generator(RandomStream)} turns it into a fresh generator per stream, so that what happens to
 * a sample depends only on (seed, epoch, position, stream): not on which thread processes it, in which order the
 * pipeline finishes samples, the batch size, or whether the run was resumed from a checkpoint.
 *
 * <p>Derivation (documented in {@code package-info}): with {@code mix64} the SplitMix64 / Stafford-13 finaliser and
 * {@code G = 0x9E3779B97F4A7C15},
 * <pre>
 *   z = mix64(seed)
 *   z = mix64(z ^ (G * stream.id()))
 *   z = mix64(z ^ (G * (epoch + 1)))
 *   z = mix64(z ^ (G * (position + 1)))
 *   generator = new SplittableRandom(z)
 * </pre>
 * Each line is a bijection of its input for a fixed prefix, so distinct keys give distinct 64-bit seeds.
 *
 * @param seed     the run's root seed (the {@code --seed} option)
 * @param epoch    0-based epoch
 * @param position 0-based position of the sample in the epoch's order (after shuffling)
 */
public record SampleKey(long seed, int epoch, long position) {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** A new generator for {@code stream} at this key; equal keys give generators with equal sequences. */
    public RandomGenerator generator(RandomStream stream) {
        return new SplittableRandom(derive(seed, stream, epoch, position));
    }

    /** The 64-bit seed of the generator of {@code stream} at ({@code seed}, {@code epoch}, {@code position}). */
    public static long derive(long seed, RandomStream stream, int epoch, long position) {
        long z = mix64(seed);
        z = mix64(z ^ (GOLDEN * stream.id()));
        z = mix64(z ^ (GOLDEN * (epoch + 1L)));
        return mix64(z ^ (GOLDEN * (position + 1)));
    }

    /** Stafford's variant 13 of the MurmurHash3 64-bit finaliser, as in SplitMix64: a bijection on longs. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
