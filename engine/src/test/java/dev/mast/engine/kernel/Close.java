package dev.mast.engine.kernel;

import static org.junit.jupiter.api.Assertions.fail;

/** Elementwise comparison with a relative and an absolute tolerance; NaN must match NaN. */
final class Close {
    private Close() {}

    /** Fails unless |actual - expected| <= rtol·|expected| + atol for every element. */
    static void assertClose(String what, float[] expected, float[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            fail(what + ": " + actual.length + " elements, expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) || Float.isNaN(a)) {
                if (Float.isNaN(e) != Float.isNaN(a)) fail(what + "[" + i + "]: " + a + ", expected " + e);
                continue;
            }
            if (e == a) continue; // also infinities
            if (!(Math.abs((double) a - e) <= rtol * Math.abs(e) + atol)) {
                fail(what + "[" + i + "]: " + a + ", expected " + e + " (difference " + Math.abs((double) a - e)
                        + ")");
            }
        }
    }
}
