package dev.mast.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
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
 * This machine's single-core FMA peak, measured: 16 independent chains of vector fused multiply-adds on the widest
 * vectors the JIT uses (16 chains cover the FMA latency × issue width of current x86 cores), nothing touching
 * memory. {@link #FLOPS_PER_CALL} floating-point operations per call; matmul benchmarks divide by it to report a
 * fraction of peak measured in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class FmaPeakBenchmark {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int ITERATIONS = 1 << 20;
    /** Two flops (multiply and add) per lane per chain per iteration. */
    public static final long FLOPS_PER_CALL = 2L * 16 * SPECIES.length() * ITERATIONS;

    private float a = 0.9999999f, b = 1e-7f;

    @Benchmark
    public float fma() {
        FloatVector x = FloatVector.broadcast(SPECIES, a), y = FloatVector.broadcast(SPECIES, b);
        FloatVector c0 = y, c1 = y, c2 = y, c3 = y, c4 = y, c5 = y, c6 = y, c7 = y;
        FloatVector c8 = y, c9 = y, c10 = y, c11 = y, c12 = y, c13 = y, c14 = y, c15 = y;
        for (int i = 0; i < ITERATIONS; i++) {
            c0 = c0.fma(x, y);
            c1 = c1.fma(x, y);
            c2 = c2.fma(x, y);
            c3 = c3.fma(x, y);
            c4 = c4.fma(x, y);
            c5 = c5.fma(x, y);
            c6 = c6.fma(x, y);
            c7 = c7.fma(x, y);
            c8 = c8.fma(x, y);
            c9 = c9.fma(x, y);
            c10 = c10.fma(x, y);
            c11 = c11.fma(x, y);
            c12 = c12.fma(x, y);
            c13 = c13.fma(x, y);
            c14 = c14.fma(x, y);
            c15 = c15.fma(x, y);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15);
        return s.reduceLanes(VectorOperators.ADD);
    }
}
