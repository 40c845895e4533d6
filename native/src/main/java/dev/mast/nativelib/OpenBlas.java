package dev.mast.nativelib;

import dev.mast.engine.tensor.ShapeMismatchException;
import dev.mast.engine.tensor.Tensor;
import dev.mast.jextract.cblas.cblas_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * OpenBLAS through FFM: {@code cblas_sgemm} on tensors or raw segments, and its thread count. The benchmark
 * baseline our kernels are compared with.
 *
 * <p>{@link #load()} finds Debian's {@code libopenblas.so.0} (package {@code libopenblas0-pthread}): the file named
 * by the environment variable {@code MAST_OPENBLAS} if set, otherwise the dynamic linker's folders and the
 * multiarch {@code openblas-pthread} folder (see {@link SystemLibrary}). It opens the file with
 * {@link SymbolLookup#libraryLookup(Path, Arena)} to check that it is OpenBLAS, then registers it with the class
 * loader ({@link System#load}), which is where the jextract bindings ({@link cblas_h}) resolve their symbols.
 * The library stays loaded for the life of the JVM.
 *
 * <p>OpenBLAS's thread count is global to the process; calls are otherwise thread-safe.
 */
public final class OpenBlas {
    /** The file Debian's runtime package installs (there is no unversioned {@code libopenblas.so} without -dev). */
    public static final String SONAME = "libopenblas.so.0";
    private static final List<String> SUBFOLDERS = List.of("openblas-pthread", "openblas-openmp", "openblas-serial");

    private static OpenBlas instance;
    private static String failure;

    private final Path path;

    private OpenBlas(Path path) {
        this.path = path;
    }

    /**
     * The loaded library (loaded on first call).
     *
     * @throws NativeUnavailableException with a one-line reason when OpenBLAS is missing or unusable
     */
    public static synchronized OpenBlas load() throws NativeUnavailableException {
        if (instance != null) return instance;
        if (failure == null) {
            try {
                instance = open(locate());
                return instance;
            } catch (NativeUnavailableException e) {
                failure = e.getMessage();
            }
        }
        throw new NativeUnavailableException(failure);
    }

    /** The loaded library, or empty when it cannot be loaded ({@link #load()} says why). */
    public static Optional<OpenBlas> tryLoad() {
        try {
            return Optional.of(load());
        } catch (NativeUnavailableException e) {
            return Optional.empty();
        }
    }

    static Path locate() throws NativeUnavailableException {
        String override = System.getenv("MAST_OPENBLAS");
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (!Files.isRegularFile(p)) {
                throw new NativeUnavailableException("OpenBLAS: MAST_OPENBLAS names " + p
                        + ", which is not a file");
            }
            return p;
        }
        return SystemLibrary.find(SONAME, SUBFOLDERS).orElseThrow(() -> new NativeUnavailableException(
                "OpenBLAS not found: no " + SONAME + " in the linker's folders (LD_LIBRARY_PATH, /etc/ld.so.conf, /usr/lib/"
                        + SystemLibrary.multiarchTriplet() + "); install the Debian package libopenblas0-pthread"
                        + " (scripts/install-deps.sh) or set MAST_OPENBLAS to the library file"));
    }

    @SuppressWarnings("restricted") // loading a native library is what this class is for
    static OpenBlas open(Path path) throws NativeUnavailableException {
        try {
            SymbolLookup lookup = SymbolLookup.libraryLookup(path, Arena.global());
            if (lookup.find("cblas_sgemm").isEmpty() || lookup.find("openblas_set_num_threads").isEmpty()) {
                throw new NativeUnavailableException("OpenBLAS: " + path
                        + " has no cblas_sgemm/openblas_set_num_threads; is it OpenBLAS?");
            }
            System.load(path.toAbsolutePath().toString());
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            throw new NativeUnavailableException("OpenBLAS: cannot load " + path + ": " + e.getMessage());
        }
        return new OpenBlas(path);
    }

    /** The library file in use. */
    public Path path() {
        return path;
    }

    /** The CPU kernel set OpenBLAS picked for this machine (e.g. "Haswell", "SkylakeX", "Zen"). */
    public String coreName() {
        return cblas_h.openblas_get_corename().getString(0);
    }

    /** Sets OpenBLAS's thread count (process-wide). */
    public void setThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("OpenBLAS thread count must be at least 1, got " + threads);
        cblas_h.openblas_set_num_threads(threads);
    }

    /** OpenBLAS's current thread count. */
    public int threads() {
        return cblas_h.openblas_get_num_threads();
    }

    /**
     * c = alpha·a·b + beta·c for matrices a [m, k], b [k, n], c [m, n] in native memory. a and b need one unit
     * stride (rows or columns contiguous: transposed views are passed as transposed operands); c needs
     * contiguous rows.
     */
    public void sgemm(Tensor a, Tensor b, Tensor c, float alpha, float beta) {
        if (a.rank() != 2 || b.rank() != 2 || c.rank() != 2 || a.dim(0) != c.dim(0) || b.dim(1) != c.dim(1)
                || a.dim(1) != b.dim(0)) {
            throw new ShapeMismatchException("OpenBLAS sgemm: a " + a.shapeString() + " times b " + b.shapeString()
                    + " does not give c " + c.shapeString());
        }
        int m = c.dim(0), n = c.dim(1), k = a.dim(1);
        if (c.stride(1) != 1 && n > 1) {
            throw new IllegalArgumentException("OpenBLAS sgemm: c " + c + " needs contiguous rows");
        }
        boolean transA = isTransposed("a", a), transB = isTransposed("b", b);
        sgemm(transA, transB, m, n, k, alpha, start(a), leading(a, transA, k, m), start(b),
                leading(b, transB, n, k), beta, start(c), (int) Math.max(Math.max(1, n), c.stride(0)));
    }

    /**
     * Row-major {@code cblas_sgemm}: c = alpha·op(a)·op(b) + beta·c with op the transpose when asked; segments
     * start at element (0, 0) and must be native.
     */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
                      MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        int trans = cblas_h.CblasTrans(), noTrans = cblas_h.CblasNoTrans();
        cblas_h.cblas_sgemm(cblas_h.CblasRowMajor(), transA ? trans : noTrans, transB ? trans : noTrans, m, n, k,
                alpha, a, lda, b, ldb, beta, c, ldc);
    }

    private static boolean isTransposed(String name, Tensor t) {
        if (t.stride(1) == 1 || t.dim(1) == 1) return false;
        if (t.stride(0) == 1 || t.dim(0) == 1) return true;
        throw new IllegalArgumentException("OpenBLAS sgemm: " + name + " " + t + " has no unit stride");
    }

    /** The leading dimension CBLAS wants: the stride between rows (columns if transposed), at least the width. */
    private static int leading(Tensor t, boolean transposed, int cols, int rows) {
        long ld = transposed ? t.stride(1) : t.stride(0);
        long min = Math.max(1, transposed ? rows : cols);
        return (int) Math.max(ld, min);
    }

    private static MemorySegment start(Tensor t) {
        if (!t.storage().isNative()) {
            throw new IllegalArgumentException("OpenBLAS sgemm: " + t + " is on the Java heap; use native memory");
        }
        return t.storage().asSlice(t.offset() * Float.BYTES);
    }
}
