package dev.mast.bench;

import dev.mast.engine.io.Json;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code mast bench train}: median wall time of one full training step (forward keeping activations, loss,
 * backward, gradient clipping, AdamW, parameter repacking), measured in this process.
 *
 * <pre>
 * mast bench train [--model tiny] [--batch 8] [--frames 128] [--threads 1] [--stem 7] [--classes 35]
 *                  [--warmup 2] [--iterations 5] [--json]
 * </pre>
 * Issue 5's reference: PyTorch 1.13 eager takes about 1.18 s per step for MAST-tiny with the 7×7 stem, B = 8,
 * T = 128 on one thread of this machine. Prints one line, or with {@code --json} one JSON object with
 * {@code median_ms}, {@code min_ms}, {@code max_ms} and the scenario.
 */
public final class TrainReport {
    private TrainReport() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the report; returns the exit code (2 for a bad command line, 1 when the step cannot run). */
    public static int run(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>(Map.of("model", "tiny", "frames", "128", "batch", "8",
                "threads", "1", "stem", "7", "classes", "35", "warmup", "2", "iterations", "5"));
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("--help")) {
                System.out.println("Usage: mast bench train [--model tiny|small|base|large|micro|micro16] [--batch N]"
                        + " [--frames N] [--threads N] [--stem 7|16] [--classes N] [--warmup N] [--iterations N]"
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
        int frames, batch, threads, stem, classes, warmup, iterations;
        try {
            frames = Integer.parseInt(opts.get("frames"));
            batch = Integer.parseInt(opts.get("batch"));
            threads = Integer.parseInt(opts.get("threads"));
            stem = Integer.parseInt(opts.get("stem"));
            classes = Integer.parseInt(opts.get("classes"));
            warmup = Integer.parseInt(opts.get("warmup"));
            iterations = Integer.parseInt(opts.get("iterations"));
        } catch (NumberFormatException e) {
            return usage("--frames, --batch, --threads, --stem, --classes, --warmup and --iterations take integers");
        }
        if (frames < 16 || batch < 1 || threads < 1 || classes < 1 || warmup < 0 || iterations < 1) {
            return usage("--frames must be >= 16; --batch, --threads, --classes and --iterations >= 1");
        }
        double[] ms = new double[iterations];
        try (TrainStepSetup setup = new TrainStepSetup(opts.get("model"), stem, frames, batch, classes, threads)) {
            for (int i = 0; i < warmup + 1; i++) setup.run(); // the first step also allocates activations and state
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                setup.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (UnsupportedOperationException e) {
            System.err.println("mast bench train: " + e.getMessage());
            return 1;
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "train_step");
            out.put("model", opts.get("model"));
            out.put("stem", stem);
            out.put("frames", frames);
            out.put("batch", batch);
            out.put("classes", classes);
            out.put("threads", threads);
            out.put("iterations", iterations);
            out.put("median_ms", round(median));
            out.put("min_ms", round(sorted[0]));
            out.put("max_ms", round(sorted[sorted.length - 1]));
            System.out.println(Json.write(out));
        } else {
            System.out.printf("train step %s stem %dx%d T=%d B=%d threads=%d: median %.2f ms (min %.2f, max %.2f,"
                            + " %d runs)%n", opts.get("model"), stem, stem, frames, batch, threads, median, sorted[0],
                    sorted[sorted.length - 1], iterations);
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static int usage(String problem) {
        System.err.println("mast bench train: " + problem + " (see mast bench train --help)");
        return 2;
    }
}
