package dev.mast.bench;

import dev.mast.engine.parallel.EnginePool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * This machine's single-precision FMA peak, measured: a Vector API loop of {@link #CHAINS} independent FMA chains
 * on the preferred vector shape, enough to cover FMA latency × FMA pipes (4 cycles × 2 pipes on current x86), so
 * both pipes issue every cycle. One FMA is 2 FLOPs per lane. Reports divide kernel GFLOPS by this.
 *
 * <p>As a JMH benchmark ({@code -t N} for N cores at once) the {@code gflop} counter is GFLOPS.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class FmaPeak {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Independent accumulators: 12 fit AVX2's 16 registers with the two operands, and exceed latency × pipes. */
    static final int CHAINS = 12;
    static final long STEPS_PER_CALL = 1 << 20;

    /** GFLOP done by one {@link #run} call. */
    static double gflopPerCall() {
        return STEPS_PER_CALL * CHAINS * 2.0 * SPECIES.length() * 1e-9;
    }

    /** {@code steps} rounds of {@link #CHAINS} independent FMAs; the result keeps the JIT from dropping them. */
    static float run(long steps) {
        FloatVector a = FloatVector.broadcast(SPECIES, 0.999999f), b = FloatVector.broadcast(SPECIES, 1e-6f);
        FloatVector c0 = FloatVector.zero(SPECIES), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < steps; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }

    /**
     * Measured peak GFLOPS of {@code pool.threads()} cores running the loop at once: the fastest of the timed
     * batches, since other processes on the machine can only slow it down.
     */
    public static double gflops(EnginePool pool, Stopwatch stopwatch) {
        int threads = pool.threads();
        float[] sink = new float[threads];
        double seconds = stopwatch.bestSecondsPerCall(
                () -> pool.parallelFor(threads, t -> sink[t] += run(STEPS_PER_CALL)));
        return threads * gflopPerCall() / seconds;
    }

    /** Vector width the peak is measured at, for the report header. */
    public static int vectorBits() {
        return SPECIES.vectorBitSize();
    }

    /** JMH counter: its ops/s is GFLOPS. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counter {
        public double gflop;
    }

    @Benchmark
    public float fma(Counter counter) {
        counter.gflop += gflopPerCall();
        return run(STEPS_PER_CALL);
    }
}
