package dev.mast.bench;

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
 * This machine's single-core FMA peak, measured in milliseconds per call of {@link FmaPeak}'s loop (its
 * {@link FmaPeak#CHAINS} independent FMA chains, nothing touching memory). {@link #FLOPS_PER_CALL} floating-point
 * operations per call; {@link OnednnMatmulBenchmark} divides by it to report a fraction of peak measured in the
 * same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class FmaPeakBenchmark {
    /** Two flops (multiply and add) per lane per chain per step. */
    public static final long FLOPS_PER_CALL = 2L * FmaPeak.CHAINS * FmaPeak.SPECIES.length() * FmaPeak.STEPS_PER_CALL;

    @Benchmark
    public float fma() {
        return FmaPeak.run(FmaPeak.STEPS_PER_CALL);
    }
}
