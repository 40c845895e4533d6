package dev.mast.bench;

import dev.mast.engine.kernel.MeanTokens;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * The clip embedding, mean over the last stage's tokens [B, N, 768] ("BxNxC": B=8 at T=128 has 4 tokens, a 10 s
 * clip 26), forward and backward. Reports calls/s and GB/s.
 */
public class MeanTokensBenchmark extends KernelBenchmark {
    @Param({"8x4x768", "1x26x768", "8x144x96"})
    public String shape;

    private Tensor x, y, dy, dx;

    @Override
    protected void prepare(TensorArena arena) {
        int[] d = BenchData.dims(shape);
        x = BenchData.gaussian(arena, 1, 1, d);
        dy = BenchData.gaussian(arena, 2, 1, d[0], d[2]);
        y = arena.allocate(d[0], d[2]);
        dx = arena.allocate(d);
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
