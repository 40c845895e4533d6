package dev.mast.bench;

import dev.mast.engine.io.Json;
import dev.mast.model.backend.Backends;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code mast bench forward}: median forward latency of one scenario, measured in this process.
 *
 * <pre>
 * mast bench forward [--model tiny] [--frames 128] [--batch 1] [--threads 1] [--stem 16] [--backend java|onednn]
 *                    [--warmup 3] [--warmup-seconds 2] [--iterations 10] [--json]
 * </pre>
 * Without {@code --backend}, the default choice of {@link Backends} (oneDNN when it loads); the report names the
 * backend that ran. Warm-up runs at least {@code --warmup} passes and at least {@code --warmup-seconds}, so that
 * the JIT compiler has finished with the Java code on the path (its threads would otherwise compete with the
 * measured passes for the cores).
 * Prints one line (or, with {@code --json}, one JSON object with {@code median_ms}, {@code min_ms}, {@code max_ms}
 * and the scenario). Timings on a shared machine are noisy: compare medians of repeated runs.
 */
public final class ForwardReport {
    private ForwardReport() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the report; returns the exit code (2 for a bad command line, with one line on stderr). */
    public static int run(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>(Map.of("model", "tiny", "frames", "128", "batch", "1",
                "threads", "1", "stem", "16", "backend", "", "warmup", "3", "warmup-seconds", "2", "iterations", "10"));
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--help")) {
                System.out.println("Usage: mast bench forward [--model tiny|small|base|large|micro|micro16] [--frames N]"
                        + " [--batch N] [--threads N] [--stem 7|16] [--backend java|onednn] [--warmup N]"
                        + " [--warmup-seconds S] [--iterations N]"
                        + " [--json]");
                return 0;
            } else if (a.startsWith("--") && opts.containsKey(a.substring(2).split("=", 2)[0])) {
                String key = a.substring(2), value;
                if (key.contains("=")) {
                    value = key.substring(key.indexOf('=') + 1);
                    key = key.substring(0, key.indexOf('='));
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    return usage("--" + key + " needs a value");
                }
                opts.put(key, value);
            } else {
                return usage("unknown argument '" + a + "'");
            }
        }
        int frames, batch, threads, stem, warmup, warmupSeconds, iterations;
        try {
            frames = Integer.parseInt(opts.get("frames"));
            batch = Integer.parseInt(opts.get("batch"));
            threads = Integer.parseInt(opts.get("threads"));
            stem = Integer.parseInt(opts.get("stem"));
            warmup = Integer.parseInt(opts.get("warmup"));
            warmupSeconds = Integer.parseInt(opts.get("warmup-seconds"));
            iterations = Integer.parseInt(opts.get("iterations"));
        } catch (NumberFormatException e) {
            return usage("--frames, --batch, --threads, --stem, --warmup, --warmup-seconds and --iterations take"
                    + " integers");
        }
        if (frames < 16 || batch < 1 || threads < 1 || warmup < 0 || warmupSeconds < 0 || iterations < 1) {
            return usage("--frames must be >= 16; --batch, --threads and --iterations >= 1");
        }
        String backend = opts.get("backend").isEmpty() ? null : opts.get("backend");
        try {
            Backends.checkName(backend);
        } catch (IllegalArgumentException e) {
            return usage("--backend: " + e.getMessage());
        }
        double[] ms = new double[iterations];
        String ran;
        try (ForwardSetup setup = new ForwardSetup(opts.get("model"), stem, frames, batch, threads, backend)) {
            ran = setup.backendName();
            long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
            for (int i = 0; i < warmup + 1 || System.nanoTime() < warmupEnd; i++) setup.run(); // sizes the workspace
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                setup.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (IllegalStateException e) { // the backend asked for cannot load
            System.err.println("mast bench forward: " + e.getMessage());
            return 1;
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "forward");
            out.put("model", opts.get("model"));
            out.put("stem", stem);
            out.put("frames", frames);
            out.put("batch", batch);
            out.put("threads", threads);
            out.put("backend", ran);
            out.put("iterations", iterations);
            out.put("median_ms", round(median));
            out.put("min_ms", round(sorted[0]));
            out.put("max_ms", round(sorted[sorted.length - 1]));
            System.out.println(Json.write(out));
        } else {
            System.out.printf("forward %s stem %dx%d T=%d B=%d threads=%d backend=%s: median %.2f ms"
                            + " (min %.2f, max %.2f, %d runs)%n", opts.get("model"), stem, stem, frames, batch,
                    threads, ran, median, sorted[0], sorted[sorted.length - 1], iterations);
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static int usage(String problem) {
        System.err.println("mast bench forward: " + problem + " (see mast bench forward --help)");
        return 2;
    }
}
