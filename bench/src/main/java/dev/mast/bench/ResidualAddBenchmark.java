package dev.mast.bench;

import dev.mast.engine.kernel.ResidualAdd;
import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
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

/** The residual add, in place ({@code x += branch}) as blocks use it, on [tokens, C]. Reports calls/s and GB/s. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class ResidualAddBenchmark {
    @Param({"1152x96", "3200x96", "1212x768"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private TensorArena arena;
    private EnginePool pool;
    private Tensor x, branch;

    @Setup
    public void setUp() {
        int[] d = BenchData.dims(shape);
        arena = new TensorArena();
        pool = new EnginePool(threads);
        x = BenchData.gaussian(arena, 1, 1, d);
        branch = BenchData.gaussian(arena, 2, 1e-3, d);
    }

    @TearDown
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public void addInPlace(WorkCounters work) {
        ResidualAdd.forward(pool, x, branch, x);
        work.add(12 * x.size(), x.size());
    }
}
