package dev.mast.bench;

import dev.mast.engine.kernel.Gelu;
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

/**
 * GELU (exact erf form) on MLP hidden activations [tokens, 4·C]: MAST stage widths 96..768 give 384..3072 columns;
 * 1152 tokens is B=8 at T=128 (stage 0), 1212 one 10 s clip, 3200 the largest batch. Reports calls/s and GB/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class GeluBenchmark {
    @Param({"1152x384", "3200x384", "288x768", "1212x3072"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private TensorArena arena;
    private EnginePool pool;
    private Tensor x, y, dy, dx;
    private long n;

    @Setup
    public void setUp() {
        int[] d = BenchData.dims(shape);
        arena = new TensorArena();
        pool = new EnginePool(threads);
        x = BenchData.gaussian(arena, 1, 1.5, d);
        dy = BenchData.gaussian(arena, 2, 1, d);
        y = arena.allocate(d);
        dx = arena.allocate(d);
        n = x.size();
    }

    @TearDown
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public void forward(WorkCounters work) {
        Gelu.forward(pool, x, y);
        work.add(8 * n, 0);
    }

    @Benchmark
    public void backward(WorkCounters work) {
        Gelu.backward(pool, x, dy, dx);
        work.add(12 * n, 0);
    }

    /** The GEMM epilogue form: one in-place run on the calling thread (threads does not apply). */
    @Benchmark
    public void forwardRunInPlace(WorkCounters work) {
        Gelu.forwardRun(y.storage(), 0, (int) n);
        work.add(8 * n, 0);
    }
}
