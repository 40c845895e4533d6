package dev.mast.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Timing for reports: warm up until the speed settles, then time repeated batches of calls and take the median
 * batch, which shrugs off the spikes a shared machine adds. JMH does this more thoroughly (forks, statistics); reports use this so that a
 * whole table fits in a minute.
 */
public final class Stopwatch {
    private final long warmupNanos;
    private final int batches;
    private final long minBatchNanos;

    /**
     * @param warmupNanos   calls before timing starts (JIT compilation, caches)
     * @param batches       timed batches; the median is reported
     * @param minBatchNanos a batch repeats the call until it has run at least this long
     */
    public Stopwatch(long warmupNanos, int batches, long minBatchNanos) {
        this.warmupNanos = warmupNanos;
        this.batches = batches;
        this.minBatchNanos = minBatchNanos;
    }

    /** Median seconds per call of {@code op}. */
    public double secondsPerCall(Runnable op) {
        return Latency.median(timedBatches(op));
    }

    /** Seconds per call of the fastest batch: for ceilings such as a peak, which other load can only lower. */
    public double bestSecondsPerCall(Runnable op) {
        return timedBatches(op)[0];
    }

    /** Seconds per call of each timed batch, after the warm-up, sorted. */
    private double[] timedBatches(Runnable op) {
        warmUp(op);
        double[] perCall = new double[batches];
        for (int b = 0; b < batches; b++) perCall[b] = batch(op, minBatchNanos);
        Arrays.sort(perCall);
        return perCall;
    }

    /**
     * Runs {@code op} for at least the warm-up time and then until a window of a third of it sees no JIT
     * compilation and runs within 10% of the previous window (code this op reaches for the first time compiles
     * meanwhile), but at most eight times the warm-up time.
     */
    private void warmUp(Runnable op) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime(), window = Math.max(1, warmupNanos / 3);
        double last = batch(op, window);
        while (true) {
            long compiling = jitTimed ? jit.getTotalCompilationTime() : 0;
            double now = batch(op, window);
            boolean quiet = !jitTimed || jit.getTotalCompilationTime() == compiling;
            long elapsed = System.nanoTime() - start;
            if (elapsed >= 8 * warmupNanos || elapsed >= warmupNanos && quiet && Math.abs(now - last) <= 0.1 * now) {
                return;
            }
            last = now;
        }
    }

    /** Seconds per call over repeated calls lasting at least {@code nanos}. */
    private static double batch(Runnable op, long nanos) {
        long t0 = System.nanoTime(), t;
        int calls = 0;
        do {
            op.run();
            calls++;
            t = System.nanoTime();
        } while (t - t0 < nanos);
        return (t - t0) * 1e-9 / calls;
    }
}
