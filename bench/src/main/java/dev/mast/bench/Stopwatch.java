package dev.mast.bench;

import java.util.Arrays;

/**
 * Timing for reports: warm up, then time repeated batches of calls and take the median batch, which shrugs off
 * the spikes a shared machine adds. JMH does this more thoroughly (forks, statistics); reports use this so that a
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
        long start = System.nanoTime();
        do {
            op.run();
        } while (System.nanoTime() - start < warmupNanos);
        double[] perCall = new double[batches];
        for (int b = 0; b < batches; b++) {
            long t0 = System.nanoTime(), t;
            int calls = 0;
            do {
                op.run();
                calls++;
                t = System.nanoTime();
            } while (t - t0 < minBatchNanos);
            perCall[b] = (t - t0) * 1e-9 / calls;
        }
        Arrays.sort(perCall);
        return batches % 2 == 1 ? perCall[batches / 2] : (perCall[batches / 2 - 1] + perCall[batches / 2]) / 2;
    }
}
