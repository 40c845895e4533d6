package dev.mast.train.augment;

import dev.mast.train.random.BetaDistribution;

import java.util.random.RandomGenerator;

/**
 * Waveform mixup as AST does it (spec §1.2 step 1): with probability p, mix the clip with a random training clip
 * (possibly itself), λ ~ Beta(α, α) with α = 10:
 * <pre>
 *   x1 ← x1 − mean(x1);  x2 ← x2 − mean(x2);  x2 zero-padded or truncated to |x1|
 *   x  = λ·x1 + (1 − λ)·x2;  x ← x − mean(x)
 *   t  = λ·t1 + (1 − λ)·t2                        (targets, e.g. one-hot rows)
 * </pre>
 */
public final class WaveformMixup {
    /** A decision to mix with clip {@code partner} (an index into the training clips) with weight {@code lambda}. */
    public record Plan(int partner, double lambda) {}

    private final double probability;
    private final BetaDistribution beta;

    /**
     * @param probability p in [0, 1]
     * @param alpha       α of Beta(α, α) (AST: 10)
     */
    public WaveformMixup(double probability, double alpha) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("mixup probability must be in [0, 1], got " + probability);
        }
        this.probability = probability;
        this.beta = new BetaDistribution(alpha, alpha);
    }

    /**
     * Decides for one sample. Draws, in this order: u = nextDouble() (mix when u &lt; p); only when mixing, the partner
     * index nextInt(clips), then λ from Beta(α, α). Returns null when not mixing.
     */
    public Plan plan(RandomGenerator rng, int clips) {
        if (clips < 1) throw new IllegalArgumentException("no training clips to mix with");
        if (!(rng.nextDouble() < probability)) return null;
        int partner = rng.nextInt(clips);
        return new Plan(partner, beta.sample(rng));
    }

    /** The mixed waveform (new array of {@code first}'s length); the inputs are not modified. */
    public static float[] mix(float[] first, float[] second, double lambda) {
        double m1 = mean(first), m2 = mean(second);
        float a = (float) lambda, b = (float) (1 - lambda);
        float[] out = new float[first.length];
        for (int i = 0; i < out.length; i++) {
            float x2 = i < second.length ? (float) (second[i] - m2) : 0f;
            out[i] = a * (float) (first[i] - m1) + b * x2;
        }
        float m = (float) mean(out);
        for (int i = 0; i < out.length; i++) out[i] -= m;
        return out;
    }

    /** λ·t1 + (1 − λ)·t2 as a new array. */
    public static float[] mixTargets(float[] t1, float[] t2, double lambda) {
        if (t1.length != t2.length) {
            throw new IllegalArgumentException("targets of " + t1.length + " and " + t2.length + " classes");
        }
        float[] out = new float[t1.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (lambda * t1[i] + (1 - lambda) * t2[i]);
        return out;
    }

    /** The mean of the whole clip (for the partner: before padding or truncation, as AST does). */
    private static double mean(float[] x) {
        if (x.length == 0) return 0;
        double s = 0;
        for (float v : x) s += v;
        return s / x.length;
    }
}
