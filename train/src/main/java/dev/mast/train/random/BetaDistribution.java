package dev.mast.train.random;

import java.util.random.RandomGenerator;

/**
 * Samples Beta(α, β) as X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β), the gammas drawn with Marsaglia and Tsang's
 * squeeze method (ACM TOMS 26(3), 2000). Mixup draws λ ~ Beta(10, 10) from it.
 */
public final class BetaDistribution {
    private final double alpha;
    private final double beta;

    public BetaDistribution(double alpha, double beta) {
        if (!(alpha > 0) || !(beta > 0)) {
            throw new IllegalArgumentException("Beta parameters must be positive, got " + alpha + ", " + beta);
        }
        this.alpha = alpha;
        this.beta = beta;
    }

    /** One sample in [0, 1]. Draws the Gamma(α) variate first, then the Gamma(β) variate. */
    public double sample(RandomGenerator rng) {
        double x = gamma(rng, alpha);
        double y = gamma(rng, beta);
        return x / (x + y);
    }

    /** A Gamma(shape, 1) variate. */
    static double gamma(RandomGenerator rng, double shape) {
        if (shape < 1) {
            // Gamma(a) = Gamma(a + 1) * U^(1/a): the squeeze below needs a shape of at least 1.
            double g = gamma(rng, shape + 1);
            return g * Math.pow(rng.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x) return d * v;
            if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
        }
    }
}
