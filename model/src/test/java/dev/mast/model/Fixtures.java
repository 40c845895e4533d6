package dev.mast.model;

import dev.mast.engine.io.NpyArray;
import dev.mast.engine.tensor.Tensor;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test helpers: fixture paths and tolerance checks. */
final class Fixtures {
    private Fixtures() {}

    /** A file or folder under src/test/resources. */
    static Path resource(String path) {
        try {
            var url = Fixtures.class.getResource("/" + path);
            if (url == null) throw new IllegalStateException("missing test resource " + path);
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }

    /** Asserts that {@code actual} has the expected shape and lies within {@code tol} max-abs. */
    static void assertClose(String what, NpyArray expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape " + Arrays.toString(actual.shape()));
        double d = maxAbsDiff(expected.data(), actual.toArray());
        assertTrue(d <= tol, what + ": max |diff| " + d + " > " + tol);
    }
}
