package dev.mast.nativelib.onednn;

import dev.mast.jextract.dnnl.dnnl_h;
import dev.mast.jextract.dnnl.dnnl_version_t;
import dev.mast.jextract.dnnl.omp_h;
import dev.mast.nativelib.BundledLibraries;
import dev.mast.nativelib.NativeUnavailableException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * oneDNN 3.x as bundled in the {@code org.bytedeco:dnnl} jar: {@code libdnnl.so.3}, built with OpenMP, and its
 * {@code libgomp.so.1}, extracted to a cache folder (see {@link BundledLibraries}) and loaded once per process.
 *
 * <p>Loading order matters: libgomp is loaded first, by path, so that libdnnl's dependency on
 * {@code libgomp.so.1} resolves to the bundled copy (the dynamic loader matches already-loaded libraries by their
 * soname). The jextract bindings ({@link dnnl_h}, {@link omp_h}) look the libraries up by soname as well, so they
 * see exactly these two; they must not be used before {@link #load()} succeeded.
 *
 * <p><b>Threads.</b> OpenMP keeps the requested thread count per calling thread, and oneDNN sizes its work split
 * when a primitive is created. {@link DnnlEngine} therefore calls {@link #setThreads} with its own count on the
 * calling thread before it creates or runs any primitive, so the OpenMP team and the engine's pool never exceed the
 * thread count the user chose. After a parallel region, OpenMP's idle workers spin before sleeping; libgomp's
 * default is about 300,000 spins (milliseconds on this machine), during which a Java thread that wants the core
 * competes with them. Unless the user set {@code GOMP_SPINCOUNT} or {@code OMP_WAIT_POLICY}, this class sets
 * {@code GOMP_SPINCOUNT} to {@value #SPIN_COUNT} before libgomp is loaded (libgomp reads its environment once, at
 * load time): a few microseconds, enough to bridge back-to-back oneDNN calls. Longer spins (4,000, about 100 µs)
 * measured worse on a shared two-core machine: a MAST-tiny forward pass (16×16 stem, 128 frames) on two threads
 * took a median 28 ms and 30 ms of CPU against 20 ms and 20 ms with 300, because a spinning worker holds a core
 * that the caller's next (Java or single-thread) step needs whenever other processes keep the second core busy.
 */
public final class DnnlLibrary {
    private static final String RESOURCE_DIR = "org/bytedeco/dnnl/linux-x86_64/";
    private static final String JAR_VERSION = "3.13-1.5.14";
    static final String GOMP = "libgomp.so.1";
    static final String DNNL = "libdnnl.so.3";
    /** libgomp's spin count for idle workers: a few microseconds on Zen-class cores. */
    static final String SPIN_COUNT = "300";

    private static DnnlLibrary instance;
    private static NativeUnavailableException failure;

    private final Path directory;
    private final SymbolLookup dnnlSymbols;
    private final SymbolLookup gompSymbols;
    private final String version;

    private DnnlLibrary(Path directory, SymbolLookup gompSymbols, SymbolLookup dnnlSymbols, String version) {
        this.directory = directory;
        this.gompSymbols = gompSymbols;
        this.dnnlSymbols = dnnlSymbols;
        this.version = version;
    }

    /**
     * Loads oneDNN (once per process; later calls return the same instance or throw the same exception).
     *
     * @throws NativeUnavailableException with a one-line reason when the platform is not linux-x86_64, the jar is
     *                                    not on the class path, the cache cannot be written, or the libraries do
     *                                    not load
     */
    public static synchronized DnnlLibrary load() throws NativeUnavailableException {
        if (instance != null) return instance;
        if (failure != null) throw failure;
        try {
            instance = loadOnce();
            return instance;
        } catch (NativeUnavailableException e) {
            failure = e;
            throw e;
        }
    }

    /** True when {@link #load()} succeeds. */
    public static boolean isAvailable() {
        try {
            load();
            return true;
        } catch (NativeUnavailableException e) {
            return false;
        }
    }

    private static DnnlLibrary loadOnce() throws NativeUnavailableException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new NativeUnavailableException("oneDNN: no bundled build for " + os + "/" + arch
                    + " (only linux-x86_64)");
        }
        if (DnnlLibrary.class.getClassLoader().getResource(RESOURCE_DIR + DNNL) == null) {
            throw new NativeUnavailableException("oneDNN: the jar org.bytedeco:dnnl:" + JAR_VERSION
                    + ":linux-x86_64 is not on the class path");
        }
        Path root = BundledLibraries.defaultRoot();
        List<Path> paths;
        try {
            paths = BundledLibraries.extract(root, DnnlLibrary.class.getClassLoader(), List.of(
                    new BundledLibraries.Library(RESOURCE_DIR + GOMP, GOMP),
                    new BundledLibraries.Library(RESOURCE_DIR + DNNL, DNNL)));
        } catch (IOException e) {
            throw new NativeUnavailableException("oneDNN: cannot extract the bundled libraries under " + root + ": "
                    + e.getMessage(), e);
        }
        configureOpenMp();
        SymbolLookup gomp = open(paths.get(0));
        SymbolLookup dnnl = open(paths.get(1));
        MemorySegment v = dnnl_h.dnnl_version().reinterpret(dnnl_version_t.sizeof());
        String version = dnnl_version_t.major(v) + "." + dnnl_version_t.minor(v) + "." + dnnl_version_t.patch(v);
        if (dnnl_version_t.major(v) != 3) {
            throw new NativeUnavailableException("oneDNN: found version " + version + ", these bindings are for 3.x");
        }
        if (dnnl_version_t.cpu_runtime(v) != dnnl_h.DNNL_RUNTIME_OMP()) {
            throw new NativeUnavailableException("oneDNN " + version + ": CPU runtime " + dnnl_version_t.cpu_runtime(v)
                    + " is not OpenMP (" + dnnl_h.DNNL_RUNTIME_OMP() + ")");
        }
        return new DnnlLibrary(paths.get(1).getParent(), gomp, dnnl, version);
    }

    /** Sets libgomp's spin count through the process environment, which libgomp reads when it is loaded. */
    private static void configureOpenMp() {
        if (System.getenv("GOMP_SPINCOUNT") != null || System.getenv("OMP_WAIT_POLICY") != null) return;
        Linker linker = Linker.nativeLinker();
        MemorySegment setenv = linker.defaultLookup().find("setenv").orElse(null);
        if (setenv == null) return; // only costs idle spinning
        MethodHandle h = linker.downcallHandle(setenv, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        try (Arena a = Arena.ofConfined()) {
            int unused = (int) h.invokeExact(a.allocateFrom("GOMP_SPINCOUNT"), a.allocateFrom(SPIN_COUNT), 0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Loads a library for the life of the process; the error names the library and the dynamic loader's reason. */
    private static SymbolLookup open(Path file) throws NativeUnavailableException {
        try {
            return SymbolLookup.libraryLookup(file, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new NativeUnavailableException("oneDNN: cannot load " + file + ": " + dlerrorFor(file), e);
        }
    }

    /** Repeats the failed load with dlopen to get dlerror's explanation, which the JDK's exception leaves out. */
    private static String dlerrorFor(Path file) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        MemorySegment dlopen = libc.find("dlopen").orElse(null);
        MemorySegment dlerror = libc.find("dlerror").orElse(null);
        if (dlopen == null || dlerror == null) return "the dynamic loader refused it";
        try (Arena a = Arena.ofConfined()) {
            MethodHandle open = linker.downcallHandle(dlopen, FunctionDescriptor.of(ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            MethodHandle err = linker.downcallHandle(dlerror, FunctionDescriptor.of(ValueLayout.ADDRESS));
            MemorySegment handle = (MemorySegment) open.invokeExact(a.allocateFrom(file.toString()), 2 /* RTLD_NOW */);
            if (!handle.equals(MemorySegment.NULL)) return "the dynamic loader refused it";
            MemorySegment msg = (MemorySegment) err.invokeExact();
            return msg.equals(MemorySegment.NULL) ? "the dynamic loader refused it"
                    : msg.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return "the dynamic loader refused it";
        }
    }

    /** The oneDNN version, e.g. "3.13.0". */
    public String version() {
        return version;
    }

    /** The cache folder the libraries were loaded from. */
    public Path directory() {
        return directory;
    }

    /** Symbols of the loaded libdnnl (for checks that the bindings resolve against this very library). */
    public SymbolLookup dnnlSymbols() {
        return dnnlSymbols;
    }

    /** Symbols of the loaded libgomp. */
    public SymbolLookup gompSymbols() {
        return gompSymbols;
    }

    /** Sets the OpenMP thread count of the calling thread (what oneDNN primitives created or run on it use). */
    public void setThreads(int threads) {
        omp_h.omp_set_num_threads(threads);
    }

    /** The OpenMP thread count of the calling thread. */
    public int threads() {
        return omp_h.omp_get_max_threads();
    }

    @Override
    public String toString() {
        return "oneDNN " + version + " (" + directory + ")";
    }
}
