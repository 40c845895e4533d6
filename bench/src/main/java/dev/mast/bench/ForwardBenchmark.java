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
 * MAST forward latency (issue 4's table): tiny with random weights, both stems, T = 128 and 1024 frames, batch 1
 * and 8, 1 and 2 threads, on each backend (Java kernels, oneDNN). Milliseconds per batch; the workspace is reused,
 * so this is the steady state (twelve seconds of warm-up: small inputs on two threads need that long for the JIT).
 * One backend: {@code -p backend=onednn}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class ForwardBenchmark {
    @Param({"tiny"})
    public String model;

    @Param({"16", "7"})
    public int stem;

    @Param({"128", "1024"})
    public int frames;

    @Param({"1", "8"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    @Param({"java", "onednn"})
    public String backend;

    private ForwardSetup setup;

    @Setup
    public void setUp() {
        setup = new ForwardSetup(model, stem, frames, batch, threads, backend);
        setup.run(); // sizes the workspace
    }

    @Benchmark
    public void forward() {
        setup.run();
    }

    @TearDown
    public void tearDown() {
        setup.close();
    }
}
