package dev.mast.nativelib;

import dev.mast.engine.kernel.ReferenceKernels;
import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The OpenBLAS binding against the scalar reference, and the loader's failure message. */
class OpenBlasTest {
    private static Tensor random(TensorArena arena, long seed, int... shape) {
        Tensor t = arena.allocate(shape);
        Random r = new Random(seed);
        for (long i = 0; i < t.size(); i++) t.setFlat(i, r.nextFloat() * 2 - 1);
        return t;
    }

    private static OpenBlas openBlas() {
        var blas = OpenBlas.tryLoad();
        // CI installs libopenblas0-pthread (scripts/install-deps.sh); elsewhere the binding cannot be exercised.
        assumeTrue(blas.isPresent(), () -> "OpenBLAS not installed");
        return blas.get();
    }

    @Test
    void sgemmMatchesTheReferenceForPlainAndTransposedOperands() {
        OpenBlas blas = openBlas();
        try (TensorArena arena = new TensorArena()) {
            Tensor a = random(arena, 1, 37, 53), bT = random(arena, 2, 29, 53), c = random(arena, 3, 37, 29);
            Tensor b = bT.transpose(0, 1);
            Tensor expected = arena.allocate(37, 29).copyFrom(c);
            // c = 0.5·a·b + 2·c  ==  2·c + 0.5·a·b (the reference adds to c after scaling by alpha)
            for (long i = 0; i < expected.size(); i++) expected.setFlat(i, 2 * expected.getFlat(i));
            ReferenceKernels.matmul(a, b, expected, 0.5f, true);
            blas.sgemm(a, b, c, 0.5f, 2f);
            for (long i = 0; i < c.size(); i++) assertEquals(expected.getFlat(i), c.getFlat(i), 1e-4, "element " + i);

            // A transposed view of a, rows of c with a gap between them.
            Tensor aT = random(arena, 4, 53, 37), wide = arena.allocate(37, 40);
            Tensor c2 = wide.slice(1, 3, 32);
            Tensor expected2 = arena.allocate(37, 29);
            ReferenceKernels.matmul(aT.transpose(0, 1), b, expected2, 1f, false);
            blas.sgemm(aT.transpose(0, 1), b, c2, 1f, 0f);
            for (int i = 0; i < 37; i++) {
                for (int j = 0; j < 29; j++) assertEquals(expected2.get(i, j), c2.get(i, j), 1e-4);
                for (int j : new int[] {0, 1, 2, 32, 39}) assertEquals(0f, wide.get(i, j), "outside the view");
            }
        }
    }

    @Test
    void threadCountRoundTripsAndCoreNameIsKnown() {
        OpenBlas blas = openBlas();
        int before = blas.threads();
        try {
            blas.setThreads(1);
            assertEquals(1, blas.threads());
        } finally {
            blas.setThreads(before);
        }
        assertFalse(blas.coreName().isBlank());
        assertTrue(blas.path().getFileName().toString().startsWith("libopenblas"), blas.path().toString());
    }

    @Test
    void badOperandsAreRejected() {
        OpenBlas blas = openBlas();
        try (TensorArena arena = new TensorArena()) {
            var e = assertThrows(ShapeMismatchException.class,
                    () -> blas.sgemm(arena.allocate(3, 4), arena.allocate(5, 6), arena.allocate(3, 6), 1, 0));
            assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5, 6]"), e.getMessage());
            Tensor heap = Tensor.of(new float[12], 3, 4);
            assertThrows(IllegalArgumentException.class,
                    () -> blas.sgemm(heap, arena.allocate(4, 2), arena.allocate(3, 2), 1, 0));
        }
    }

    @Test
    void missingLibraryGivesOneClearLine() {
        assertTrue(SystemLibrary.find("libdoes-not-exist.so.7", List.of("openblas-pthread")).isEmpty());
        var e = assertThrows(NativeUnavailableException.class,
                () -> OpenBlas.open(Path.of("/nonexistent/libopenblas.so.0")));
        assertTrue(e.getMessage().startsWith("OpenBLAS: cannot load /nonexistent/libopenblas.so.0"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void searchPathHasTheMultiarchFolders() {
        List<Path> dirs = SystemLibrary.searchPath(List.of("openblas-pthread"));
        String triplet = SystemLibrary.multiarchTriplet();
        assertTrue(dirs.contains(Path.of("/usr/lib/" + triplet)), dirs.toString());
        assertTrue(dirs.contains(Path.of("/usr/lib/" + triplet + "/openblas-pthread")), dirs.toString());
    }
}
