package dev.mast.bench;

import dev.mast.engine.kernel.MeanTokens;
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
 * The clip embedding, mean over the last stage's tokens [B, N, 768] ("BxNxC": B=8 at T=128 has 4 tokens, a 10 s
 * clip 26), forward and backward. Reports calls/s and GB/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class MeanTokensBenchmark {
    @Param({"8x4x768", "1x26x768", "8x144x96"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private TensorArena arena;
    private EnginePool pool;
    private Tensor x, y, dy, dx;

    @Setup
    public void setUp() {
        int[] d = BenchData.dims(shape);
        arena = new TensorArena();
        pool = new EnginePool(threads);
        x = BenchData.gaussian(arena, 1, 1, d);
        dy = BenchData.gaussian(arena, 2, 1, d[0], d[2]);
        y = arena.allocate(d[0], d[2]);
        dx = arena.allocate(d);
    }

    @TearDown
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public void forward(WorkCounters work) {
        MeanTokens.forward(pool, x, y);
        work.add(4 * (x.size() + y.size()), x.size());
    }

    @Benchmark
    public void backward(WorkCounters work) {
        MeanTokens.backward(pool, dy, dx);
        work.add(4 * (dx.size() + dy.size()), dx.size());
    }
}
