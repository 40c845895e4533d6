package dev.mast.bench;

import dev.mast.engine.kernel.LayerNorm;
import dev.mast.engine.tensor.Tensor;
import dev.mast.engine.tensor.TensorArena;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * LayerNorm over [tokens, C] at MAST shapes: C = 96 (stage 0, and norm_q/k/v over head_dim), 192, 384, 768; tokens
 * 144 (one 1.28 s clip) to 3200. Reports calls/s and GB/s.
 */
public class LayerNormBenchmark extends KernelBenchmark {
    @Param({"3200x96", "1152x96", "1212x192", "144x768", "3200x768"})
    public String shape;

    private Tensor x, y, gamma, beta, mean, rstd, dy, dx, dgamma, dbeta;
    private long n, rows;

    @Override
    protected void prepare(TensorArena arena) {
        int[] d = BenchData.dims(shape);
        x = BenchData.gaussian(arena, 1, 2, d);
        dy = BenchData.gaussian(arena, 2, 1, d);
        gamma = BenchData.gaussian(arena, 3, 1, d[1]);
        beta = BenchData.gaussian(arena, 4, 1, d[1]);
        y = arena.allocate(d);
        dx = arena.allocate(d);
        mean = arena.allocate(d[0]);
        rstd = arena.allocate(d[0]);
        dgamma = arena.allocate(d[1]);
        dbeta = arena.allocate(d[1]);
        n = x.size();
        rows = d[0];
        LayerNorm.forward(pool, x, gamma, beta, 1e-6f, y, mean, rstd);
    }

    @Benchmark
    public void forward(WorkCounters work) {
        LayerNorm.forward(pool, x, gamma, beta, 1e-6f, y);
        work.add(8 * n, 0);
    }

    @Benchmark
    public void forwardSavingStatistics(WorkCounters work) {
        LayerNorm.forward(pool, x, gamma, beta, 1e-6f, y, mean, rstd);
        work.add(8 * n + 8 * rows, 0);
    }

    @Benchmark
    public void backward(WorkCounters work) {
        LayerNorm.backward(pool, x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
        work.add(12 * n + 8 * rows, 0);
    }
}
