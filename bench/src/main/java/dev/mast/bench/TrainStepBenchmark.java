package dev.mast.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One training step of MAST (issue 5's performance target), the same step {@code mast bench train} times
 * ({@link TrainStepSetup}: the training loop's own step with label smoothing, gradient clipping and AdamW).
 * MAST-tiny with the 7×7 stem, B = 8, T = 128, 35 classes, random weights and data by default. Milliseconds per
 * step; warm-up of twelve seconds or more (the JIT needs that long for the two-thread case).
 *
 * <pre>mast bench jmh TrainStepBenchmark -p threads=1,2</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class TrainStepBenchmark {
    @Param({"tiny"})
    public String model;

    @Param({"7"})
    public int stem;

    @Param({"128"})
    public int frames;

    @Param({"8"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private TrainStepSetup setup;

    @Setup
    public void setUp() {
        setup = new TrainStepSetup(model, stem, frames, batch, 35, threads);
        setup.run(); // sizes activations, gradients and optimiser state
    }

    @Benchmark
    public double step() {
        return setup.run();
    }

    @TearDown
    public void tearDown() {
        setup.close();
    }
}
