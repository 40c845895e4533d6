package dev.mast.model.backend;

import dev.mast.nativelib.NativeUnavailableException;

import java.util.List;
import java.util.function.Consumer;

/**
 * Chooses and creates a {@link Backend} by name, the same way for every entry point (the CLI's
 * {@code --backend}, {@link dev.mast.model.ClassifierOptions}, the benchmarks):
 * <ul>
 *   <li>{@code "java"}: {@link JavaBackend}, the engine's own kernels, always available;</li>
 *   <li>{@code "onednn"}: {@link OnednnBackend}; an error (with oneDNN's one-line reason) when it cannot load;</li>
 *   <li>null (no choice made): the fastest available, oneDNN when it loads, otherwise Java after a one-line
 *       notice that says why.</li>
 * </ul>
 */
public final class Backends {
    /** The backend names {@link #create} accepts. */
    public static final List<String> NAMES = List.of("java", "onednn");

    private Backends() {}

    /**
     * A backend on {@code threads} threads; the default choice (null) prints its fallback notice on stderr.
     *
     * @throws IllegalArgumentException for an unknown name
     * @throws IllegalStateException    when "onednn" was asked for and cannot load
     */
    public static Backend create(String name, int threads) {
        return create(name, threads, System.err::println);
    }

    /**
     * As {@link #create(String, int)}, handing the fallback notice (one line) to {@code notices} instead.
     */
    public static Backend create(String name, int threads, Consumer<String> notices) {
        if (threads < 1) throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
        checkName(name);
        if ("java".equals(name)) return new JavaBackend(threads);
        try {
            return new OnednnBackend(threads);
        } catch (NativeUnavailableException e) {
            if (name != null) throw new IllegalStateException(e.getMessage(), e);
            notices.accept("mast: " + e.getMessage() + "; running on the Java backend");
            return new JavaBackend(threads);
        }
    }

    /**
     * Checks a backend name (null, the default, included) without creating anything.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static String checkName(String name) {
        if (name != null && !NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown backend '" + name + "' (expected " + String.join(" or ", NAMES)
                    + ")");
        }
        return name;
    }
}
