package dev.mast.model.training;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import dev.mast.model.layer.Parameter;
import dev.mast.model.layer.ParameterSource;
import dev.mast.model.layer.ParameterSpec;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Central finite differences in float64 against the float32 backward passes.
 *
 * <p><b>Why the tolerance is what it is.</b> The reference is {@link Ref64}, evaluated in double with step
 * h = 1e-5: the central difference's truncation error h²·f'''/6 is about 1e-11 and its cancellation error
 * 2^-53·|L|/h about 1e-11, so it gives the exact gradient to ~1e-9 relative at these O(1) scales. The float32
 * gradient carries rounding from the float32 forward activations it is built from (each a few ulps, u = 2^-24 ≈
 * 6e-8, amplified by the layer's conditioning) and from sums of at most a few hundred products per element: on the
 * order of 1e-6 relative to the tensor's scale. The check asserts {@link #TOLERANCE} = 2e-5 (about 300 u) relative
 * to that scale: twenty times the float32 noise these tests measure, and five orders of magnitude below what a
 * wrong term, index or sign produces.
 *
 * <p>A tensor's scale is its largest |gradient|, floored at 10 % of the largest of the layer ({@link #floor}).
 * float32 rounding is relative to the terms a gradient sums, not to the sum: where the terms cancel, the absolute
 * noise stays at the level of the terms, which across a layer are of the order of its larger gradients. Examples:
 * gradients that are zero by symmetry (norm_k.bias: the softmax over keys is shift-invariant) come out as pure
 * noise, and a one-row rel-pos table resampled to every distance sums all of the layer's score gradients (measured:
 * 4e-6 absolute on a gradient of 0.3 in a layer whose largest is 30). A wrong term, index or sign still gives errors
 * of order 1 relative to the tensor itself, far above 2e-5 of the floor for any tensor whose gradient exceeds a
 * ten-thousandth of the layer's largest.
 */
final class GradCheck {
    static final double TOLERANCE = 2e-5;
    private static final double H = 1e-5;
    /** Elements compared one by one per tensor (all of them when the tensor is smaller). */
    private static final int SAMPLES = 12;

    private final SplittableRandom rng;
    private final DoubleSupplier loss;
    private final StringBuilder report = new StringBuilder();
    private double worst;
    private double floor;

    /** @param loss the float64 loss Σ r·f, reading the arrays the checks perturb */
    GradCheck(long seed, DoubleSupplier loss) {
        this.rng = new SplittableRandom(seed);
        this.loss = loss;
    }

    /** Sets the scale floor to 10 % of the largest gradient among {@code grads}. */
    GradCheck floor(List<float[]> grads) {
        double m = 0;
        for (float[] g : grads) m = Math.max(m, maxAbs(g));
        floor = 0.1 * m;
        return this;
    }

    /** Checks d loss / d theta (theta read by the loss function) against the float32 {@code analytic}. */
    void check(String name, double[] theta, float[] analytic) {
        assertTrue(theta.length == analytic.length, name + ": " + theta.length + " values, " + analytic.length
                + " gradients");
        double scale = Math.max(maxAbs(analytic), floor);
        assertTrue(scale > 0, name + ": gradient and floor are both zero");
        double err = 0;
        int n = theta.length;
        int[] picks = picks(n, analytic);
        for (int i : picks) {
            double t = theta[i];
            theta[i] = t + H;
            double plus = loss.getAsDouble();
            theta[i] = t - H;
            double minus = loss.getAsDouble();
            theta[i] = t;
            double fd = (plus - minus) / (2 * H);
            err = Math.max(err, Math.abs(analytic[i] - fd) / scale);
        }
        // All elements at once along a random direction v of unit length (entries ±1/√n, so no activation moves
        // further than in the element checks: the max-pool winners stay put): d/dh L(θ + h·v) = ⟨g, v⟩.
        double[] v = new double[n];
        double dot = 0, norm2 = 0;
        for (int i = 0; i < n; i++) {
            v[i] = (rng.nextBoolean() ? 1 : -1) / Math.sqrt(n);
            dot += analytic[i] * v[i];
            norm2 += (double) analytic[i] * analytic[i];
        }
        double[] saved = theta.clone();
        for (int i = 0; i < n; i++) theta[i] = saved[i] + H * v[i];
        double plus = loss.getAsDouble();
        for (int i = 0; i < n; i++) theta[i] = saved[i] - H * v[i];
        double minus = loss.getAsDouble();
        System.arraycopy(saved, 0, theta, 0, n);
        // ⟨g, v⟩ is of order ‖g‖/√n; float32 errors δ contribute ⟨δ, v⟩ of order ‖δ‖/√n.
        double dirErr = Math.abs(dot - (plus - minus) / (2 * H)) * Math.sqrt(n)
                / Math.max(Math.sqrt(norm2), floor * Math.sqrt(n));
        err = Math.max(err, dirErr);
        worst = Math.max(worst, err);
        report.append(String.format(Locale.ROOT, "  %-44s %8d elements, scale %.2e, error %.1e%n", name, n, scale, err));
        assertTrue(err <= TOLERANCE, name + ": gradient error " + err + " relative to " + scale + " (tolerance "
                + TOLERANCE + ")\n" + report);
    }

    /** The largest relative error seen so far. */
    double worst() {
        return worst;
    }

    String report() {
        return report.toString();
    }

    /** Up to SAMPLES indices, always including the largest analytic entry. */
    private int[] picks(int n, float[] analytic) {
        if (n <= SAMPLES) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        int[] out = new int[SAMPLES];
        int arg = 0;
        for (int i = 1; i < n; i++) if (Math.abs(analytic[i]) > Math.abs(analytic[arg])) arg = i;
        out[0] = arg;
        for (int k = 1; k < SAMPLES; k++) out[k] = rng.nextInt(n);
        return out;
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    /** Σ r·y. */
    static double dot(float[] r, double[] y) {
        assertTrue(r.length == y.length, "upstream gradient of " + r.length + " for an output of " + y.length);
        double s = 0;
        for (int i = 0; i < r.length; i++) s += r[i] * y[i];
        return s;
    }

    /** Float64 copies of parameter values, keyed by parameter. */
    static Ref64.Params doubles(List<Parameter> params) {
        Map<Parameter, double[]> m = new IdentityHashMap<>();
        for (Parameter p : params) m.put(p, toDouble(p.value().toArray()));
        return new Ref64.Params(m);
    }

    /** Allocates zeroed gradients for {@code params} in {@code arena}. */
    static List<Parameter> withGradients(List<Parameter> params, Arena arena) {
        for (Parameter p : params) p.allocateGrad(arena);
        return new ArrayList<>(params);
    }

    /** A random tensor with entries of standard deviation {@code std}. */
    static Tensor random(TensorArena arena, SplittableRandom r, double std, int... shape) {
        Tensor t = arena.allocate(shape);
        for (long i = 0; i < t.size(); i++) t.setFlat(i, (float) (std * r.nextGaussian()));
        return t;
    }

    /**
     * Parameters where every entry matters: weights N(0, 1/fan-in), biases and LayerNorm offsets N(0, 0.2²),
     * LayerNorm gains 1 + N(0, 0.2²), rel-pos tables N(0, 0.3²), tokens and position embeddings N(0, 0.5²).
     */
    static final class Gaussian implements ParameterSource {
        private final Arena arena = Arena.ofShared();
        private final SplittableRandom r;

        Gaussian(long seed) {
            this.r = new SplittableRandom(seed);
        }

        @Override
        public Tensor take(ParameterSpec spec) {
            int[] shape = spec.shape();
            Tensor t = Tensor.allocate(arena, shape);
            double std, mean = 0;
            switch (spec.kind()) {
                case WEIGHT -> std = 1 / Math.sqrt(shape.length == 4 ? shape[2] * shape[3] : shape[shape.length - 1]);
                case NORM -> {
                    std = 0.2;
                    mean = spec.name().endsWith(".weight") ? 1 : 0;
                }
                case REL_POS -> std = 0.3;
                case EMBEDDING -> std = 0.5;
                default -> std = 0.2;
            }
            for (long i = 0; i < t.size(); i++) t.setFlat(i, (float) (mean + std * r.nextGaussian()));
            return t;
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
