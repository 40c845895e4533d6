package dev.mast.bench;

import dev.mast.engine.parallel.EnginePool;
import dev.mast.engine.tensor.TensorArena;
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
 * What the JMH benchmarks of the memory-bound kernels (GELU, residual add, LayerNorm, softmax, token mean, 3×3
 * windows) share: their JMH settings (calls/s, five 1 s warm-up and measurement iterations, one fork), the
 * {@code threads} parameter (1 and 2), and per trial a pool of that many threads and an arena for the tensors, both
 * closed after it. A subclass declares its {@code shape}
 * parameter and its {@code @Benchmark} methods, and allocates its tensors in {@link #prepare}. JMH inherits these
 * annotations, parameters and setup methods; the benchmarks are named after the subclass.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public abstract class KernelBenchmark {
    @Param({"1", "2"})
    public int threads;

    /** The pool the kernels run on, {@code threads} threads. */
    protected EnginePool pool;
    private TensorArena arena;

    @Setup
    public void setUp() {
        arena = new TensorArena();
        pool = new EnginePool(threads);
        prepare(arena);
    }

    /** Allocates this benchmark's tensors in {@code arena} and fills its inputs ({@link #pool} is ready). */
    protected abstract void prepare(TensorArena arena);

    @TearDown
    public void tearDown() {
        pool.close();
        arena.close();
    }
}
