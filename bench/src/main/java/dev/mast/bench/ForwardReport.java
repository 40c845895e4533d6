package dev.mast.bench;

import dev.mast.engine.io.Json;
import dev.mast.model.backend.Backends;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mast bench forward}: median forward latency of one scenario, measured in this process.
 *
 * <pre>
 * mast bench forward [--model tiny] [--frames 128] [--batch 1] [--threads 1] [--stem 16] [--backend java|onednn]
 *                    [--warmup 3] [--warmup-seconds 12] [--iterations 10] [--json]
 * </pre>
 * Without {@code --backend}, the default choice of {@link Backends} (oneDNN when it loads); the report names the
 * backend that ran. Warm-up runs at least {@code --warmup} passes and at least {@code --warmup-seconds}, so that
 * the JIT compiler has finished with the Java code on the path (its threads would otherwise compete with the
 * measured passes for the cores). Small inputs on two threads need the long default: measured here, MAST-tiny
 * (16×16 stem, T = 128, B = 1) on the Java backend gave a median of 29-46 ms after 2 s of warm-up and 5.3 ms after
 * 15 s (one thread: 7.3 ms), because the code the second thread runs reaches the optimising compiler late.
 * Prints one line (or, with {@code --json}, one JSON object with {@code median_ms}, {@code min_ms}, {@code max_ms}
 * and the scenario). Timings on a shared machine are noisy: compare medians of repeated runs.
 */
public final class ForwardReport {
    private static final String USAGE = "Usage: mast bench forward [--model tiny|small|base|large|micro|micro16]"
            + " [--frames N] [--batch N] [--threads N] [--stem 7|16] [--backend java|onednn] [--warmup N]"
            + " [--warmup-seconds S] [--iterations N] [--json]";
    private static final Map<String, String> DEFAULTS = Map.of("model", "tiny", "frames", "128", "batch", "1",
            "threads", "1", "stem", "16", "backend", "", "warmup", "3", "warmup-seconds", "12", "iterations", "10");
    private static final List<String> INTEGERS = List.of("frames", "batch", "threads", "stem", "warmup",
            "warmup-seconds", "iterations");

    private ForwardReport() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the report; returns the exit code (2 for a bad command line, with one line on stderr). */
    public static int run(String[] args) {
        return ReportOptions.run("mast bench forward", USAGE, DEFAULTS, INTEGERS, args, ForwardReport::measure);
    }

    /** Measures the scenario {@code opts} gives and prints it; returns the exit code. */
    private static int measure(ReportOptions opts) {
        int frames = opts.integer("frames"), batch = opts.integer("batch"), threads = opts.integer("threads");
        int stem = opts.integer("stem"), warmup = opts.integer("warmup"), iterations = opts.integer("iterations");
        int warmupSeconds = opts.integer("warmup-seconds");
        if (frames < 16 || batch < 1 || threads < 1 || warmup < 0 || warmupSeconds < 0 || iterations < 1) {
            return opts.usage("--frames must be >= 16; --batch, --threads and --iterations >= 1");
        }
        String backend = opts.get("backend").isEmpty() ? null : opts.get("backend");
        try {
            Backends.checkName(backend);
        } catch (IllegalArgumentException e) {
            return opts.usage("--backend: " + e.getMessage());
        }
        Latency latency;
        String ran;
        try (ForwardSetup setup = new ForwardSetup(opts.get("model"), stem, frames, batch, threads, backend)) {
            ran = setup.backendName();
            Latency.warmUp(warmup, warmupSeconds, setup::run);
            latency = Latency.measure(iterations, setup::run);
        } catch (IllegalArgumentException e) {
            return opts.usage(e.getMessage());
        } catch (IllegalStateException e) { // the backend asked for cannot load
            System.err.println("mast bench forward: " + e.getMessage());
            return 1;
        }
        if (opts.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "forward");
            out.put("model", opts.get("model"));
            out.put("stem", stem);
            out.put("frames", frames);
            out.put("batch", batch);
            out.put("threads", threads);
            out.put("backend", ran);
            out.put("iterations", iterations);
            latency.addTo(out);
            System.out.println(Json.write(out));
        } else {
            System.out.printf("forward %s stem %dx%d T=%d B=%d threads=%d backend=%s: %s%n", opts.get("model"), stem,
                    stem, frames, batch, threads, ran, latency.text());
        }
        return 0;
    }
}
