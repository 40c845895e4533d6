package dev.mast.nativelib.onednn;

import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/** Test inputs and comparisons for the oneDNN operations. */
final class Fill {
    private Fill() {}

    /** A tensor of uniform values in [-1, 1) from a fixed seed. */
    static Tensor random(TensorArena arena, long seed, int... shape) {
        Tensor t = arena.allocate(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0, n = t.size(); i < n; i++) t.setFlat(i, (float) (2 * r.nextDouble() - 1));
        return t;
    }

    /** Fills a view (any strides) with uniform values in [-1, 1). */
    static Tensor random(Tensor t, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0, n = t.size(); i < n; i++) t.setFlat(i, (float) (2 * r.nextDouble() - 1));
        return t;
    }

    /**
     * Asserts {@code |actual - expected| <= rtol · max(|expected|, rms(expected))} element by element: relative to
     * each value, with the output's RMS as the floor for values near zero (where relative error is meaningless).
     *
     * @return the largest error, relative to that bound's denominator
     */
    static double assertClose(String what, Tensor expected, Tensor actual, double rtol) {
        float[] e = expected.toArray(), a = actual.toArray();
        if (e.length != a.length) fail(what + ": sizes differ");
        double ss = 0;
        for (float v : e) ss += (double) v * v;
        double rms = Math.sqrt(ss / Math.max(1, e.length));
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            double scale = Math.max(Math.abs(e[i]), rms);
            double err = Math.abs((double) a[i] - e[i]) / (scale == 0 ? 1 : scale);
            if (!(err <= rtol)) {
                fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (relative error " + err
                        + " > " + rtol + ")");
            }
            worst = Math.max(worst, err);
        }
        return worst;
    }
}
