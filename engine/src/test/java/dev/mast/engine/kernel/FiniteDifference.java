package dev.mast.engine.kernel;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Gradient checks by central finite differences in float64.
 *
 * <p>For a function f: R^n -> R^m (written in double precision in the test) and an upstream gradient dy, the loss
 * L(x) = Σ dy·f(x) has dL/dx_i ≈ (L(x + h·e_i) - L(x - h·e_i)) / 2h with error O(h²), which a backward kernel's
 * dx = J^T·dy must match.
 */
final class FiniteDifference {
    private FiniteDifference() {}

    /** The numeric gradient of {@code x -> Σ dy·f(x)} at {@code x}. */
    static double[] gradient(Function<double[], double[]> f, double[] x, double[] dy, double h) {
        double[] g = new double[x.length];
        double[] probe = x.clone();
        for (int i = 0; i < x.length; i++) {
            probe[i] = x[i] + h;
            double plus = dot(dy, f.apply(probe));
            probe[i] = x[i] - h;
            double minus = dot(dy, f.apply(probe));
            probe[i] = x[i];
            g[i] = (plus - minus) / (2 * h);
        }
        return g;
    }

    /**
     * Fails unless |analytic - numeric| <= tol·max(1, max|numeric|) everywhere: a tolerance relative to the
     * gradient's scale, as small entries of a float32 gradient carry the rounding of the large ones.
     */
    static void assertMatches(String what, double[] numeric, float[] analytic, double tol) {
        if (numeric.length != analytic.length) fail(what + ": " + analytic.length + " vs " + numeric.length);
        double scale = 1;
        for (double v : numeric) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < numeric.length; i++) {
            if (!(Math.abs(analytic[i] - numeric[i]) <= tol * scale)) {
                fail(what + "[" + i + "]: analytic " + analytic[i] + ", finite differences " + numeric[i]
                        + " (tolerance " + tol * scale + ")");
            }
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
