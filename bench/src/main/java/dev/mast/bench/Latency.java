package dev.mast.bench;

import java.util.Arrays;
import java.util.Map;

/**
 * Wall times of repeated runs of one operation, as the latency reports print them: the median (what to compare,
 * the machine being shared and noisy), the fastest and the slowest run, in milliseconds.
 *
 * @param runs     how many runs were timed
 * @param medianMs median milliseconds per run
 * @param minMs    fastest run
 * @param maxMs    slowest run
 */
record Latency(int runs, double medianMs, double minMs, double maxMs) {
    /**
     * Runs {@code op} at least {@code passes} + 1 times (the first call sizes workspaces) and for at least
     * {@code seconds}, so that the JIT compiler is done with the code on the path before timing starts: small inputs
     * on two threads were still speeding up after several seconds.
     */
    static void warmUp(int passes, int seconds, Runnable op) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (int i = 0; i < passes + 1 || System.nanoTime() < end; i++) op.run();
    }

    /** Times {@code runs} calls of {@code op}, one after the other (warm up before). */
    static Latency measure(int runs, Runnable op) {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            op.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new Latency(runs, median(ms), ms[0], ms[runs - 1]);
    }

    /** The median of {@code sorted} (ascending, not empty): the middle value, or the mean of the middle two. */
    static double median(double[] sorted) {
        int half = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    }

    /** "median 12.34 ms (min 12.00, max 13.10, 10 runs)". */
    String text() {
        return String.format("median %.2f ms (min %.2f, max %.2f, %d runs)", medianMs, minMs, maxMs, runs);
    }

    /** Adds the fields {@code median_ms}, {@code min_ms} and {@code max_ms} (to the microsecond) to a JSON object. */
    void addTo(Map<String, Object> json) {
        json.put("median_ms", round(medianMs));
        json.put("min_ms", round(minMs));
        json.put("max_ms", round(maxMs));
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
