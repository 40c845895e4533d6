package dev.mast.bench;

import dev.mast.engine.io.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mast bench train}: median wall time of one full training step (forward keeping activations, loss,
 * backward, gradient clipping, AdamW, parameter repacking), measured in this process.
 *
 * <pre>
 * mast bench train [--model tiny] [--batch 8] [--frames 128] [--threads 1] [--stem 7] [--classes 35]
 *                  [--warmup 2] [--warmup-seconds 12] [--iterations 5] [--json]
 * </pre>
 * The same step in PyTorch 1.13 eager is {@code bench/pytorch/mast_train_step.py} (measured on the project machine:
 * 746 ms on one thread, 1231 ms on two, against 709 and 418 ms here). Prints one line, or with {@code --json} one JSON object with
 * {@code median_ms}, {@code min_ms}, {@code max_ms} and the scenario.
 */
public final class TrainReport {
    private static final String USAGE = "Usage: mast bench train [--model tiny|small|base|large|micro|micro16]"
            + " [--batch N] [--frames N] [--threads N] [--stem 7|16] [--classes N] [--warmup N] [--warmup-seconds S]"
            + " [--iterations N] [--json]";
    private static final Map<String, String> DEFAULTS = Map.of("model", "tiny", "frames", "128", "batch", "8",
            "threads", "1", "stem", "7", "classes", "35", "warmup", "2", "warmup-seconds", "12",
            "iterations", "5");
    private static final List<String> INTEGERS = List.of("frames", "batch", "threads", "stem", "classes", "warmup",
            "warmup-seconds", "iterations");

    private TrainReport() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the report; returns the exit code (2 for a bad command line, 1 when the step cannot run). */
    public static int run(String[] args) {
        return ReportOptions.run("mast bench train", USAGE, DEFAULTS, INTEGERS, args, TrainReport::measure);
    }

    /** Measures the scenario {@code opts} gives and prints it; returns the exit code. */
    private static int measure(ReportOptions opts) {
        int frames = opts.integer("frames"), batch = opts.integer("batch"), threads = opts.integer("threads");
        int stem = opts.integer("stem"), classes = opts.integer("classes"), warmup = opts.integer("warmup");
        int iterations = opts.integer("iterations"), warmupSeconds = opts.integer("warmup-seconds");
        if (frames < 16 || batch < 1 || threads < 1 || classes < 1 || warmup < 0 || warmupSeconds < 0
                || iterations < 1) {
            return opts.usage("--frames must be >= 16; --batch, --threads, --classes and --iterations >= 1");
        }
        Latency latency;
        try (TrainStepSetup setup = new TrainStepSetup(opts.get("model"), stem, frames, batch, classes, threads)) {
            Latency.warmUp(warmup, warmupSeconds, setup::run);
            latency = Latency.measure(iterations, setup::run);
        } catch (IllegalArgumentException e) {
            return opts.usage(e.getMessage());
        } catch (UnsupportedOperationException e) {
            System.err.println("mast bench train: " + e.getMessage());
            return 1;
        }
        if (opts.json()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "train_step");
            out.put("model", opts.get("model"));
            out.put("stem", stem);
            out.put("frames", frames);
            out.put("batch", batch);
            out.put("classes", classes);
            out.put("threads", threads);
            out.put("iterations", iterations);
            latency.addTo(out);
            System.out.println(Json.write(out));
        } else {
            System.out.printf("train step %s stem %dx%d T=%d B=%d threads=%d: %s%n", opts.get("model"), stem, stem,
                    frames, batch, threads, latency.text());
        }
        return 0;
    }
}
